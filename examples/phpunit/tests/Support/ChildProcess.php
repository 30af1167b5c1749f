<?php

declare(strict_types=1);

/**
 * A background process in its own process group, stdout and stderr into one log file; stopping it sends SIGTERM
 * (then SIGKILL) to the whole group, so wrappers such as npx, which do not pass signals on, leave nothing behind.
 */
final class ChildProcess
{
    /** @var resource */
    private $process;
    private string $log;

    /**
     * @param list<string>|string $command a string runs through the shell
     * @param array<string, string> $env added to this process's environment
     */
    public function __construct(array|string $command, array $env = [])
    {
        $this->log = (string) tempnam(sys_get_temp_dir(), 'finpay-example-');
        $out = fopen($this->log, 'a');
        $argv = is_string($command) ? ['/bin/sh', '-c', 'exec ' . $command] : $command;
        $process = proc_open(['setsid', ...$argv], [0 => ['file', '/dev/null', 'r'], 1 => $out, 2 => $out], $pipes, null, $env + getenv());
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
        $group = -proc_get_status($this->process)['pid'];
        posix_kill($group, SIGTERM);
        $deadline = microtime(true) + 5;
        // proc_get_status reaps the leader first: a zombie would still count as a member of the group.
        while ((proc_get_status($this->process)['running'] || posix_kill($group, 0)) && microtime(true) < $deadline) {
            usleep(50_000);
        }
        posix_kill($group, SIGKILL);
        proc_close($this->process);
        unlink($this->log);
    }
}
