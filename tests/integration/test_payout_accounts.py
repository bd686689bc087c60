"""振込先口座: Zengin codes checked, holder names normalised or refused, scope, the company's choice, audit."""

from __future__ import annotations

from local.streams import Stream
from tests.integration.conftest import City, console_login
from tests.integration.test_bulk_upload import upload

GOOD = {
    "bank_code": "0001",
    "branch_code": "001",
    "account_type": "ordinary",
    "account_number": "1234567",
    "holder_name": "かぶしきがいしゃ　テスト（ショウテン）ー",
}


def test_company_admin_registers_a_store_account_normalised_with_names_from_the_zengin_list(city: City) -> None:
    # Given the company admin of the store's company
    admin = console_login("ena-0002")
    # When it registers the store's account with hiragana, full-width brackets and a long vowel mark
    reply = admin.put(f"/api/admin/stores/{city.store['store_id']}/payout-account", GOOD)
    # Then the name is stored as banks take it and the names come from the code list
    assert reply.status == 200, reply
    assert reply.json["holder_kana"] == "ｶﾌﾞｼｷｶﾞｲｼﾔ ﾃｽﾄ(ｼﾖｳﾃﾝ)-"
    assert (reply.json["bank_name"], reply.json["branch_name"]) == ("みずほ", "東京営業部")
    assert reply.json["account_type_label"] == "普通" and reply.json["paid_here"] is True
    # And the company's staff see it, and the audit log of the company shows the change
    staff = console_login("ena-0003")
    seen = staff.get(f"/api/admin/stores/{city.store['store_id']}/payout-account").json
    assert seen["account_number"] == "1234567" and seen["may_edit"] is False
    actions = [e["action"] for e in admin.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29").json["items"]]
    assert "payout_account_registered" in actions
    # When it changes the account, the change is audited as a change
    again = admin.put(
        f"/api/admin/stores/{city.store['store_id']}/payout-account", {**GOOD, "account_number": "7654321"}
    )
    assert again.status == 200
    actions = [e["action"] for e in admin.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29").json["items"]]
    assert "payout_account_updated" in actions


def test_unknown_codes_bad_numbers_and_names_banks_refuse_are_refused_never_cut(city: City) -> None:
    admin = console_login("ena-0001")
    path = f"/api/admin/stores/{city.store['store_id']}/payout-account"
    cases = [
        ({"bank_code": "0003"}, "unknown_bank"),
        ({"bank_code": "12"}, "unknown_bank"),
        ({"branch_code": "999"}, "unknown_branch"),
        ({"account_number": "12345"}, "bad_account"),
        ({"holder_name": "山田商店"}, "bad_holder_name"),
        ({"holder_name": "ヤマダ＆サトウ"}, "bad_holder_name"),
        ({"holder_name": "ア" * 31}, "bad_holder_name"),
        ({"holder_name": "　"}, "bad_holder_name"),
    ]
    for change, code in cases:
        reply = admin.put(path, {**GOOD, **change})
        assert (reply.status, reply.code) == (400, code), (change, reply)
        assert reply.json["error"]["message"]
    # Nothing was stored by any refused request
    assert admin.get(path).json["registered"] is False


def test_company_chooses_to_be_paid_itself_and_scope_holds(city: City) -> None:
    admin = console_login("ena-0002")
    company_id = city.company["company_id"]
    chosen = admin.put(f"/api/admin/companies/{company_id}/payout-by", {"payout_by": "company"})
    assert chosen.status == 200 and chosen.json["payout_by"] == "company" and chosen.json["paid_here"] is True
    reply = admin.put(f"/api/admin/companies/{company_id}/payout-account", GOOD)
    assert reply.status == 200 and reply.json["paid_here"] is True
    store_view = admin.get(f"/api/admin/stores/{city.store['store_id']}/payout-account").json
    assert store_view["paid_here"] is False
    # Another company's admin and the company's staff may not touch it
    other = console_login("ena-0009")
    assert other.get(f"/api/admin/companies/{company_id}/payout-account").status == 404
    assert other.put(f"/api/admin/stores/{city.store['store_id']}/payout-account", GOOD).status == 404
    staff = console_login("ena-0003")
    assert staff.put(f"/api/admin/companies/{company_id}/payout-account", GOOD).status == 403


def test_bank_names_for_the_form(city: City) -> None:
    admin = console_login("ena-0002")
    found = admin.get("/api/admin/banks/0001?branch_code=001").json
    assert (found["bank_name"], found["branch_name"]) == ("みずほ", "東京営業部")
    assert admin.get("/api/admin/banks/0003").code == "unknown_bank"


BULK_HEADER = "店舗ID,企業ID,金融機関コード,支店コード,預金種目,口座番号,口座名義"


def test_bulk_file_registers_accounts_or_none_with_each_bad_row_reported(city: City, stream: Stream) -> None:
    admin = console_login("ena-0002")
    store, other, company = city.store["store_id"], city.other_store["store_id"], city.company["company_id"]
    # Given a file with an unknown branch, a kanji name, a duplicate and a store of another company
    bad = "\n".join(
        [
            BULK_HEADER,
            f"{store},,0001,999,普通,1234567,ﾃｽﾄ",
            f"{other},,0001,001,当座,1234567,山田",
            f"{store},,0001,001,普通,1234567,ﾃｽﾄ",
            f"{city.large_store['store_id']},,0001,001,普通,1234567,ﾃｽﾄ",
        ]
    )
    job = upload(admin, "payout_accounts", bad.encode("cp932"), stream)
    assert job["state"] == "failed"
    reasons = {(e["line"], e["column"]) for e in job["errors"]}
    assert {(2, "支店コード"), (3, "口座名義"), (5, "店舗ID")} <= reasons, job["errors"]
    assert admin.get(f"/api/admin/stores/{store}/payout-account").json["registered"] is False
    # When the file is right, every account is registered, normalised, and audited for the company
    good = "\n".join(
        [
            BULK_HEADER,
            f"{store},,0001,001,普通,1234567,ﾃｽﾄ ｼﾖｳﾃﾝ",
            f",{company},0005,001,2,7654321,かぶしきがいしゃてすと",
        ]
    )
    job = upload(admin, "payout_accounts", good.encode(), stream)
    assert job["state"] == "done", job
    seen = admin.get(f"/api/admin/companies/{company}/payout-account").json
    assert seen["holder_kana"] == "ｶﾌﾞｼｷｶﾞｲｼﾔﾃｽﾄ" and seen["account_type"] == "current"
    audit = admin.get("/api/admin/audit?date_from=2026-11-29&date_to=2026-11-29").json["items"]
    assert sum(e["action"] == "payout_account_registered" for e in audit) == 2
