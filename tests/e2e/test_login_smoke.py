import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_login_form_rejects_a_wrong_password_and_accepts_the_right_one(page, login, seller_a):
    login("seller_a", "wrong-password")
    expect(page.locator("[role=alert]")).to_contain_text("Please enter a correct username")
    login("seller_a", PASSWORD)
    expect(page).to_have_url(re.compile(r"/seller/leads/$"))
    expect(page.locator(".who")).to_contain_text("Alpha LIVE Agency")
    assert page.js_errors == []
