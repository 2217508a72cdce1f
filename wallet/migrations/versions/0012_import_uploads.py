"""an import job's uploaded bytes in a table of their own

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:00:00.000000

SQLite rewrites a whole row on every update, and a job's progress is updated after each batch:
with the upload in the job's row, every batch rewrote the whole upload.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_uploads",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["import_jobs.id"],
            name=op.f("fk_import_uploads_job_id_import_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_import_uploads")),
    )
    op.execute(
        "INSERT INTO import_uploads (job_id, data) "
        "SELECT id, payload FROM import_jobs WHERE payload IS NOT NULL"
    )
    # SQLite rebuilds the table to drop a column: it must keep AUTOINCREMENT.
    with op.batch_alter_table(
        "import_jobs", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("payload")


def downgrade() -> None:
    with op.batch_alter_table(
        "import_jobs", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("payload", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE import_jobs SET payload = "
        "(SELECT data FROM import_uploads WHERE import_uploads.job_id = import_jobs.id)"
    )
    op.drop_table("import_uploads")
