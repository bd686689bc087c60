"""The first committee and the first system admin of a new deployment (docs/deploy.md).

Run once, with the deployer's AWS credentials, after `cdk deploy`:

    .venv/bin/python -m infra.bootstrap --table <TableName output> --committee-id 1 \\
        --committee-name 恵那市商品券事業実行委員会 --city 恵那市 --service-id enacity \\
        --service-name 恵那市プレミアム付き電子商品券 --login-id sysadmin01 --name "システム 管理者" \\
        --email admin@example.jp

The admin's first password is the login ID (as for every admin); the console asks for a new one and
for the email code at the first sign-in. Everything else is then done in the console.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "shared" / "python"))


def main(argv: list[str] | None = None) -> str:
    import boto3

    from shoken import ids
    from shoken.clock import SystemClock, iso
    from shoken.db import committees, sequences, users
    from shoken.db.dynamo import ConditionFailed, Dynamo
    from shoken.roles import Role

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", required=True)
    parser.add_argument("--committee-id", required=True)
    parser.add_argument("--committee-name", required=True)
    parser.add_argument("--city", required=True)
    parser.add_argument("--service-id", required=True)
    parser.add_argument("--service-name", required=True)
    parser.add_argument("--login-id", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--email", required=True)
    args = parser.parse_args(argv)
    if len(args.login_id) < 8:
        parser.error("--login-id must have at least 8 characters")
    db = Dynamo(boto3.client("dynamodb"), args.table)
    now = iso(SystemClock().now())
    committee = committees.item(
        args.committee_id,
        name=args.committee_name,
        city=args.city,
        issuer_name=args.committee_name,
        wallet_service_id=args.service_id,
        wallet_service_name=args.service_name,
    )
    try:
        db.put(committee, condition="attribute_not_exists(PK)")
    except ConditionFailed:
        parser.exit(1, f"committee {args.committee_id} already exists; the bootstrap runs once per committee\n")
    user_id = ids.admin_user_id(sequences.next_value(db, "user"))
    admin = users.item(
        user_id, login_id=args.login_id, name=args.name, email=args.email, role=Role.SYSTEM_ADMIN.value, now=now
    )
    users.create(db, admin)
    print(f"committee {args.committee_id} and system admin {args.login_id} (user {user_id}) created")
    print("first password = login ID; the console asks for a new one at the first sign-in")
    return user_id


if __name__ == "__main__":
    main()
