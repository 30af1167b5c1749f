<?php

declare(strict_types=1);

use GuzzleHttp\Client;
use PHPUnit\Framework\TestCase;

/** A Kredivo checkout against finnet-mock: initiate with Guzzle, pay, receive and verify the signed callback. */
final class KredivoCallbackTest extends TestCase
{
    private static FinnetMock $finpay;
    private static CallbackReceiver $shop;
    private static Client $http;

    public static function setUpBeforeClass(): void
    {
        self::$finpay = FinnetMock::start();
        self::$shop = new CallbackReceiver(self::$finpay->merchantKey);
        self::$http = new Client(['base_uri' => self::$finpay->url, 'timeout' => 30]);
    }

    public static function tearDownAfterClass(): void
    {
        self::$shop->stop();
        self::$finpay->stop();
    }

    /** The shop's own code: create a Kredivo payment (the README's Try-it request) and return Finpay's answer. */
    private function initiateKredivo(string $orderId): array
    {
        $response = self::$http->post('/pg/payment/card/initiate', [
            'auth' => [self::$finpay->merchantId, self::$finpay->merchantKey],
            'json' => [
                'customer' => ['email' => 'hajar.finnet@gmail.com', 'firstName' => 'Hajar', 'lastName' => 'Ismail', 'mobilePhone' => '+6281286288844'],
                'order' => [
                    'id' => $orderId, 'amount' => '200', 'description' => 'Testing',
                    'item' => [['name' => 'name', 'quantity' => '1', 'unitPrice' => '100'], ['name' => 'name', 'quantity' => '1', 'unitPrice' => '100']],
                ],
                'url' => ['callbackUrl' => self::$shop->url, 'successUrl' => 'http://localhost:8080/thanks', 'failUrl' => 'http://localhost:8080/failed'],
                'sourceOfFunds' => ['type' => 'kredivo'],
                'billing' => ['address' => ['city' => 'Jakarta Selatan', 'country' => 'IDN', 'postcodeZip' => '12740', 'street' => 'Jalan Gatot Subroto']],
                // Echoed in the callback: a "/" and non-ASCII text are where hand-made signature checks go wrong.
                'meta' => ['data' => ['note' => 'Kopi ☕ / oat milk', 'cart' => 'https://shop.example/cart/42']],
            ],
        ]);
        return json_decode((string) $response->getBody(), true);
    }

    /** The shopper pays (control API), then the raw callback the shop accepted once Finpay delivered it. */
    private function payAndReceive(string $orderId): string
    {
        $paid = self::$http->post("/_mock/transactions/$orderId/pay", ['headers' => ['X-Finnet-Mock' => '1']]);
        $this->assertSame('PAID', json_decode((string) $paid->getBody(), true)['status']);
        self::$http->get('/_mock/callbacks/wait', ['query' => ['orderId' => $orderId, 'status' => 'PAID', 'timeoutMs' => 20000]]);
        $accepted = self::$shop->accepted($orderId);
        $this->assertCount(1, $accepted);
        return $accepted[0];
    }

    private static function orderId(): string
    {
        return 'PHP-' . bin2hex(random_bytes(8));
    }

    public function testAPaidOrderSendsACallbackThatVerifies(): void
    {
        $orderId = self::orderId();
        $answer = $this->initiateKredivo($orderId);
        $this->assertSame('2000000', $answer['responseCode']);
        $this->assertStringContainsString('/kredivo/v2/signin?tk=', $answer['redirecturl']);

        $raw = $this->payAndReceive($orderId);
        $this->assertTrue(FinpaySignature::verify($raw, self::$finpay->merchantKey));
        $callback = json_decode($raw, true);
        $this->assertSame('PAID', $callback['result']['payment']['status']);
        $this->assertSame(200, $callback['order']['amount']);
        $this->assertSame('Kopi ☕ / oat milk', $callback['meta']['data']['note']);

        $check = self::$http->get("/pg/payment/card/check/$orderId", ['auth' => [self::$finpay->merchantId, self::$finpay->merchantKey]]);
        $this->assertSame('PAID', json_decode((string) $check->getBody(), true)['data']['result']['payment']['status']);
    }

    public function testATamperedCallbackFailsVerificationAndTheShopRefusesIt(): void
    {
        $orderId = self::orderId();
        $this->initiateKredivo($orderId);
        $raw = $this->payAndReceive($orderId);

        $tampered = str_replace('"amount":200', '"amount":200000', $raw);
        $this->assertNotSame($raw, $tampered);
        $this->assertFalse(FinpaySignature::verify($tampered, self::$finpay->merchantKey));
        $this->assertFalse(FinpaySignature::verify($raw, 'not-the-merchant-key'));

        $refused = (new Client(['http_errors' => false, 'timeout' => 30]))
            ->post(self::$shop->url, ['body' => $tampered, 'headers' => ['Content-Type' => 'application/json']]);
        $this->assertSame(401, $refused->getStatusCode());
        $this->assertCount(1, self::$shop->accepted($orderId));
    }
}
