<?php

declare(strict_types=1);

/** Checks the `signature` of a Finpay callback the way the official WooCommerce plugin does. */
final class FinpaySignature
{
    /** True when $raw carries hex HMAC-SHA512, keyed with the merchant key, of json_encode(body without signature). */
    public static function verify(string $raw, string $merchantKey): bool
    {
        $fields = json_decode($raw, true);
        if (!is_array($fields) || !is_string($fields['signature'] ?? null)) {
            return false;
        }
        $signature = $fields['signature'];
        unset($fields['signature']);
        return hash_equals(hash_hmac('sha512', json_encode($fields), $merchantKey), $signature);
    }
}
