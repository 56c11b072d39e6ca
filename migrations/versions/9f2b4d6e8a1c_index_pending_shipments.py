"""index pending shipments without blocking writes

Revision ID: 9f2b4d6e8a1c
Revises: 6d1f3b5e7a9c
Create Date: 2026-06-29 08:47:29.004113

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '9f2b4d6e8a1c'
down_revision = '6d1f3b5e7a9c'
branch_labels = None
depends_on = None


def upgrade():
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    with op.get_context().autocommit_block():
        op.create_index(
            'ix_shipment_pending',
            'shipment',
            ['warehouse_id'],
            postgresql_where=sa.text("status = 'pending'"),
            postgresql_concurrently=True,
        )


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index('ix_shipment_pending', table_name='shipment', postgresql_concurrently=True)
