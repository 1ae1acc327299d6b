"""The audit trail lives in the audit table only: drop the copy kept in each trajectory's document.

Every entry in a document was written to the audit table in the same transaction, so nothing is
lost; the documents shrink by about half.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 500

trajectories = sa.table(
    "trajectories", sa.column("id", sa.String), sa.column("document", sa.JSON)
)


def upgrade() -> None:
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(trajectories.c.id, trajectories.c.document)
            .where(trajectories.c.id > after)
            .order_by(trajectories.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            if isinstance(row.document, dict) and "audit" in row.document:
                document = {k: v for k, v in row.document.items() if k != "audit"}
                connection.execute(
                    trajectories.update()
                    .where(trajectories.c.id == row.id)
                    .values(document=document)
                )
        after = rows[-1].id


def downgrade() -> None:
    """Nothing to restore: the entries are in the audit table, and a document without them is
    read as before."""
