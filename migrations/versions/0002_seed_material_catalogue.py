"""seed the material catalogue

Every installation starts with the same catalogue, so it is data in a migration rather
than something a demo seeds. The data is frozen here on purpose: later catalogue changes
are later migrations, and this one never imports application code.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# code, parent code, Chinese name, English name, unit, bulk density kg/m3, kg per piece, hazardous
CATALOGUE = [
    ("paper", None, "纸类", "Paper and cardboard", "kg", 90, None, False),
    ("paper.cardboard", "paper", "纸板箱", "Cardboard", "kg", 60, None, False),
    ("paper.mixed", "paper", "废纸", "Mixed paper", "kg", 120, None, False),
    ("plastics", None, "塑料", "Plastics", "kg", 35, None, False),
    ("plastics.pet", "plastics", "PET瓶", "PET bottles", "kg", 30, None, False),
    ("plastics.hdpe", "plastics", "HDPE", "HDPE", "kg", 40, None, False),
    ("plastics.mixed", "plastics", "混合塑料", "Mixed plastics", "kg", 35, None, False),
    ("metals", None, "金属", "Metals", "kg", 150, None, False),
    ("metals.ferrous", "metals", "废钢铁", "Ferrous metals", "kg", 250, None, False),
    ("metals.aluminium", "metals", "铝", "Aluminium", "kg", 60, None, False),
    ("metals.copper", "metals", "铜", "Copper", "kg", 400, None, False),
    ("glass", None, "玻璃", "Glass", "kg", 300, None, False),
    ("textiles", None, "纺织物", "Textiles", "kg", 100, None, False),
    ("ewaste", None, "废弃电器电子产品", "E-waste", "piece", 150, None, False),
    ("ewaste.refrigerator", "ewaste", "电冰箱", "Refrigerator", "piece", 100, 60.0, False),
    ("ewaste.air_conditioner", "ewaste", "空调", "Air conditioner", "piece", 150, 45.0, False),
    ("ewaste.washing_machine", "ewaste", "洗衣机", "Washing machine", "piece", 150, 65.0, False),
    ("ewaste.television", "ewaste", "电视机", "Television", "piece", 150, 20.0, False),
    ("ewaste.computer", "ewaste", "电脑", "Computer", "piece", 150, 10.0, False),
    ("batteries.lead_acid", None, "废铅蓄电池", "Lead-acid batteries", "kg", 1500, None, True),
    ("tyres", None, "废轮胎", "Tyres", "kg", 250, None, False),
    ("hazardous", None, "有害垃圾", "Hazardous household waste", "kg", 200, None, True),
    ("hazardous.fluorescent_lamps", "hazardous", "废荧光灯管", "Fluorescent lamps", "kg", 150, None, True),
    ("hazardous.mercury_thermometers", "hazardous", "废水银温度计", "Mercury thermometers", "kg", 300, None, True),
    ("hazardous.pesticide_containers", "hazardous", "农药包装物", "Pesticide containers", "kg", 60, None, True),
]

categories = sa.table(
    "material_categories",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name_zh", sa.String),
    sa.column("name_en", sa.String),
    sa.column("unit", sa.String),
    sa.column("density_kg_m3", sa.Float),
    sa.column("piece_kg", sa.Float),
    sa.column("hazardous", sa.Boolean),
    sa.column("parent_id", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("version", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    for code, parent, zh, en, unit, density, piece_kg, hazardous in CATALOGUE:
        conn.execute(
            categories.insert().values(
                code=code,
                name_zh=zh,
                name_en=en,
                unit=unit,
                density_kg_m3=density,
                piece_kg=piece_kg,
                hazardous=hazardous,
                parent_id=ids[parent] if parent else None,
                active=True,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        ids[code] = conn.execute(sa.select(categories.c.id).where(categories.c.code == code)).scalar_one()


def downgrade() -> None:
    codes = [row[0] for row in CATALOGUE]
    # Children first: parent_id is a foreign key.
    for code in reversed(codes):
        op.execute(categories.delete().where(categories.c.code == code))
