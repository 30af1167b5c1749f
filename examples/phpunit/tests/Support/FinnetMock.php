<?php

declare(strict_types=1);

/**
 * The simulator the tests talk to: the one at FINNET_MOCK_URL (e.g. the Docker image), or a fresh in-memory
 * one started with FINNET_MOCK_CMD (default `npx --no-install finnet-mock`) on a free port.
 * The merchant is the first `id:key` of FINNET_MOCK_MERCHANTS (default the docs' FINPAY770:SoSecret123).
 */
final class FinnetMock
{
    private function __construct(
        public readonly string $url,
        public readonly string $merchantId,
        public readonly string $merchantKey,
        private readonly ?ChildProcess $process,
    ) {
    }

    public static function start(): self
    {
        $merchants = getenv('FINNET_MOCK_MERCHANTS') ?: 'FINPAY770:SoSecret123';
        [$id, $key] = explode(':', trim(explode(',', $merchants)[0]), 2) + [1 => ''];
        $url = getenv('FINNET_MOCK_URL');
        if ($url) {
            return new self(rtrim($url, '/'), $id, $key, null);
        }
        $command = (getenv('FINNET_MOCK_CMD') ?: 'npx --no-install finnet-mock') . ' --port 0 --db :memory: --log-level warn';
        $process = new ChildProcess($command);
        return new self($process->waitFor('/listening on (http:\/\/\S+)/', 30), $id, $key, $process);
    }

    public function stop(): void
    {
        $this->process?->stop();
    }
}
