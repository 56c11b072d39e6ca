"""track the shipments of sales orders

Revision ID: 6d1f3b5e7a9c
Revises: 3c9e5a7b1d2f
Create Date: 2026-06-22 14:03:10.552170

Written by hand: autogenerate proposed dropping and re-creating the
column that became `sales_order.shipped_at`; a rename keeps its data.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '6d1f3b5e7a9c'
down_revision = '3c9e5a7b1d2f'
branch_labels = None
depends_on = None

SHIPMENT_STATUSES = ('pending', 'packed', 'shipped', 'delivered')


def upgrade():
    shipment_status = postgresql.ENUM(*SHIPMENT_STATUSES, name='shipment_status')
    op.create_table(
        'shipment',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column('order_id', sa.BigInteger(), sa.ForeignKey('sales_order.id', ondelete='CASCADE'), nullable=False),
        sa.Column('warehouse_id', sa.UUID(), sa.ForeignKey('warehouse.id'), nullable=False),
        sa.Column('status', shipment_status, server_default='pending', nullable=False),
        sa.Column('tracking_number', sa.String(64)),
        sa.Column('shipped_at', sa.DateTime(timezone=True)),
        comment='One parcel of a sales order, sent from one warehouse',
    )
    op.create_index('ix_shipment_order_id', 'shipment', ['order_id'])
    op.add_column('sales_order', sa.Column('delivery_notes', sa.Text(), nullable=True))
    op.execute(
        "UPDATE sales_order SET delivery_notes = 'legacy order: shipped before shipments were tracked' "
        "WHERE status = 'shipped'"
    )
    op.alter_column('sales_order', 'ordered_at', comment='When the customer confirmed the order')


def downgrade():
    op.alter_column('sales_order', 'ordered_at', comment=None, existing_type=sa.DateTime(timezone=True))
    op.drop_column('sales_order', 'delivery_notes')
    op.drop_index('ix_shipment_order_id', table_name='shipment')
    op.drop_table('shipment')
    postgresql.ENUM(name='shipment_status').drop(op.get_bind())
