<?php

declare(strict_types=1);

// Guzzle from Debian's php-guzzlehttp-guzzle, or from Composer when the project has a vendor/ folder.
require is_file(__DIR__ . '/vendor/autoload.php') ? __DIR__ . '/vendor/autoload.php' : '/usr/share/php/GuzzleHttp/autoload.php';
require __DIR__ . '/src/FinpaySignature.php';
require __DIR__ . '/tests/Support/ChildProcess.php';
require __DIR__ . '/tests/Support/FinnetMock.php';
require __DIR__ . '/tests/Support/CallbackReceiver.php';
