<?php

declare(strict_types=1);

/** A background process whose stdout and stderr go to one log file, stopped with SIGTERM (then SIGKILL). */
final class ChildProcess
{
    /** @var resource */
    private $process;
    private string $log;

    /**
     * @param list<string>|string $command a string runs through the shell (`exec`, so the signal reaches it)
     * @param array<string, string> $env added to this process's environment
     */
    public function __construct(array|string $command, array $env = [])
    {
        $this->log = (string) tempnam(sys_get_temp_dir(), 'finpay-example-');
        $out = fopen($this->log, 'a');
        $process = proc_open(is_string($command) ? 'exec ' . $command : $command, [0 => ['file', '/dev/null', 'r'], 1 => $out, 2 => $out], $pipes, null, $env + getenv());
        fclose($out);
        if (!is_resource($process)) {
            throw new RuntimeException('could not start ' . json_encode($command));
        }
        $this->process = $process;
        register_shutdown_function(fn () => $this->stop());
    }

    /** Waits until the output matches $pattern and returns the first group; fails when the process exits first. */
    public function waitFor(string $pattern, float $timeoutSeconds): string
    {
        $deadline = microtime(true) + $timeoutSeconds;
        while (microtime(true) < $deadline) {
            if (preg_match($pattern, (string) file_get_contents($this->log), $m)) {
                return $m[1];
            }
            if (!proc_get_status($this->process)['running']) {
                throw new RuntimeException("process exited before printing $pattern:\n" . file_get_contents($this->log));
            }
            usleep(50_000);
        }
        throw new RuntimeException("no $pattern within {$timeoutSeconds} s:\n" . file_get_contents($this->log));
    }

    public function stop(): void
    {
        if (!is_resource($this->process)) {
            return;
        }
        proc_terminate($this->process, 15);
        $deadline = microtime(true) + 5;
        while (proc_get_status($this->process)['running'] && microtime(true) < $deadline) {
            usleep(50_000);
        }
        if (proc_get_status($this->process)['running']) {
            proc_terminate($this->process, 9);
        }
        proc_close($this->process);
        unlink($this->log);
    }
}
