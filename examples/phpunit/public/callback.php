<?php

declare(strict_types=1);

// The shop's callback endpoint (router script for `php -S`): verify the signature, then record the callback.
require __DIR__ . '/../src/FinpaySignature.php';

header('Content-Type: application/json');
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(405);
    echo json_encode(['responseCode' => '4050000', 'responseMessage' => 'POST only']);
    return;
}
$raw = (string) file_get_contents('php://input');
if (!FinpaySignature::verify($raw, (string) getenv('FINPAY_MERCHANT_KEY'))) {
    http_response_code(401);
    echo json_encode(['responseCode' => '4010000', 'responseMessage' => 'Invalid signature']);
    return;
}
// A real shop marks the order paid here; this one keeps the exact bytes for the test to read.
file_put_contents(tempnam((string) getenv('FINPAY_CALLBACK_DIR'), 'callback-'), $raw);
echo json_encode(['responseCode' => '2000000', 'responseMessage' => 'Success']);
