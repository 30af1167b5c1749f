<?php

declare(strict_types=1);

/**
 * The shop's callback endpoint (public/callback.php) on PHP's built-in server, on a free port. It listens on
 * 127.0.0.1, or on every interface when CALLBACK_HOST names the host the simulator reaches it at
 * (e.g. host.docker.internal for the Docker image).
 */
final class CallbackReceiver
{
    public readonly string $url;
    private string $dir;
    private ChildProcess $process;

    public function __construct(string $merchantKey)
    {
        $this->dir = sys_get_temp_dir() . '/finpay-callbacks-' . bin2hex(random_bytes(6));
        mkdir($this->dir);
        $host = getenv('CALLBACK_HOST') ?: '';
        $this->process = new ChildProcess(
            [PHP_BINARY, '-S', ($host === '' ? '127.0.0.1' : '0.0.0.0') . ':0', dirname(__DIR__, 2) . '/public/callback.php'],
            ['FINPAY_MERCHANT_KEY' => $merchantKey, 'FINPAY_CALLBACK_DIR' => $this->dir],
        );
        $port = $this->process->waitFor('/Development Server \(http:\/\/[^)]*:(\d+)\) started/', 10);
        $this->url = 'http://' . ($host === '' ? '127.0.0.1' : $host) . ':' . $port . '/finpay/callback';
    }

    /** @return list<string> the raw bytes of every callback the endpoint accepted for $orderId */
    public function accepted(string $orderId): array
    {
        $bodies = array_map(fn (string $file) => (string) file_get_contents($file), glob($this->dir . '/callback-*') ?: []);
        return array_values(array_filter($bodies, fn (string $raw) => (json_decode($raw, true)['order']['id'] ?? null) === $orderId));
    }

    public function stop(): void
    {
        $this->process->stop();
        array_map('unlink', glob($this->dir . '/*') ?: []);
        rmdir($this->dir);
    }
}
