"""A Kredivo checkout against finnet-mock: initiate with requests, pay, receive and verify the signed callback."""
import json
import secrets

import requests

from callback_receiver import CallbackReceiver
from conftest import FinnetMock
from finpay_signature import verify


def initiate_kredivo(finpay: FinnetMock, shop: CallbackReceiver, order_id: str) -> dict:
    """The shop's own code: create a Kredivo payment (the README's Try-it request) and return Finpay's answer."""
    response = requests.post(
        f"{finpay.url}/pg/payment/card/initiate",
        auth=(finpay.merchant_id, finpay.merchant_key),
        json={
            "customer": {"email": "hajar.finnet@gmail.com", "firstName": "Hajar", "lastName": "Ismail", "mobilePhone": "+6281286288844"},
            "order": {
                "id": order_id, "amount": "200", "description": "Testing",
                "item": [{"name": "name", "quantity": "1", "unitPrice": "100"}, {"name": "name", "quantity": "1", "unitPrice": "100"}],
            },
            "url": {"callbackUrl": shop.url, "successUrl": "http://localhost:8080/thanks", "failUrl": "http://localhost:8080/failed"},
            "sourceOfFunds": {"type": "kredivo"},
            "billing": {"address": {"city": "Jakarta Selatan", "country": "IDN", "postcodeZip": "12740", "street": "Jalan Gatot Subroto"}},
            # Echoed in the callback: a "/" and non-ASCII text are where hand-made signature checks go wrong.
            "meta": {"data": {"note": "Kopi ☕ / oat milk", "cart": "https://shop.example/cart/42"}},
        },
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def pay_and_receive(finpay: FinnetMock, shop: CallbackReceiver, order_id: str) -> bytes:
    """The shopper pays (control API), then the raw callback the shop accepted once Finpay delivered it."""
    paid = requests.post(f"{finpay.url}/_mock/transactions/{order_id}/pay", headers={"X-Finnet-Mock": "1"}, timeout=30)
    paid.raise_for_status()
    assert paid.json()["status"] == "PAID"
    delivered = requests.get(
        f"{finpay.url}/_mock/callbacks/wait", params={"orderId": order_id, "status": "PAID", "timeoutMs": 20000}, timeout=30,
    )
    assert delivered.status_code == 200, delivered.text
    accepted = shop.accepted(order_id)
    assert len(accepted) == 1
    return accepted[0]


def new_order_id() -> str:
    return f"PY-{secrets.token_hex(8)}"


def test_a_paid_order_sends_a_callback_that_verifies(finnet_mock: FinnetMock, shop: CallbackReceiver) -> None:
    order_id = new_order_id()
    answer = initiate_kredivo(finnet_mock, shop, order_id)
    assert answer["responseCode"] == "2000000"
    assert "/kredivo/v2/signin?tk=" in answer["redirecturl"]

    raw = pay_and_receive(finnet_mock, shop, order_id)
    assert verify(raw, finnet_mock.merchant_key)
    callback = json.loads(raw)
    assert callback["result"]["payment"]["status"] == "PAID"
    assert callback["order"]["amount"] == 200
    assert callback["meta"]["data"]["note"] == "Kopi ☕ / oat milk"

    check = requests.get(
        f"{finnet_mock.url}/pg/payment/card/check/{order_id}", auth=(finnet_mock.merchant_id, finnet_mock.merchant_key), timeout=30,
    )
    assert check.json()["data"]["result"]["payment"]["status"] == "PAID"


def test_a_tampered_callback_fails_verification_and_the_shop_refuses_it(finnet_mock: FinnetMock, shop: CallbackReceiver) -> None:
    order_id = new_order_id()
    initiate_kredivo(finnet_mock, shop, order_id)
    raw = pay_and_receive(finnet_mock, shop, order_id)

    tampered = raw.replace(b'"amount":200', b'"amount":200000')
    assert tampered != raw
    assert not verify(tampered, finnet_mock.merchant_key)
    assert not verify(raw, "not-the-merchant-key")

    refused = requests.post(shop.url, data=tampered, headers={"Content-Type": "application/json"}, timeout=30)
    assert refused.status_code == 401
    assert len(shop.accepted(order_id)) == 1
