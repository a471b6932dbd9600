"""The demo city's traders: each market's staff and three approved buyers, so that a full
trade can be walked through (docs/markets.md)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import services as accounts
from backend.accounts.models import User
from backend.demo.seed import DEMO_PASSWORD
from backend.markets.services import buyers
from backend.network.models import Site

# (username, company, credit code, licences)
DEMO_BUYERS = (
    ("buyer1", "杭州绿源再生资源有限公司 Lvyuan Recycling", "91350100M000100Y43", ["hazardous", "ewaste"]),
    ("buyer2", "浙江纸业循环有限公司 Zhejiang Paper Cycle", "91330000MA27U0FQ67", []),
    ("buyer3", "钱塘塑料再生有限公司 Qiantang Plastics", "91110000710933043H", []),
)


def seed_traders(session: Session) -> dict:
    """Staff for every market (market1, market2 ...) and the demo buyers, approved; a second
    run changes nothing."""
    admin = session.scalar(select(User).where(User.username == "admin"))
    if admin is None:
        return {"status": "seed the demo city first (recyclenet seed-demo)"}
    if session.scalar(select(User.id).where(User.username == DEMO_BUYERS[0][0])) is not None:
        return {"status": "already seeded; nothing written"}
    markets = session.scalars(select(Site).where(Site.tier == "distribution_market").order_by(Site.id)).all()
    staff = []
    for n, market in enumerate(markets, start=1):
        user = accounts.create_user(
            session,
            {"username": f"market{n}", "password": DEMO_PASSWORD, "role": "operator", "sorting_center_id": market.id},
            admin,
        )
        staff.append(user.username)
    for username, company, code, licences in DEMO_BUYERS:
        user = accounts.create_user(session, {"username": username, "password": DEMO_PASSWORD, "role": "buyer"}, admin)
        profile = buyers.submit_profile(
            session,
            user,
            {
                "company_name": company,
                "credit_code": code,
                "contact_name": "Demo contact",
                "contact_phone": "0571-00000000",
                "licences": licences,
            },
        )
        buyers.decide(session, profile.id, admin, True, "demo")
    return {"market_staff": staff, "buyers": [b[0] for b in DEMO_BUYERS], "password": DEMO_PASSWORD}
