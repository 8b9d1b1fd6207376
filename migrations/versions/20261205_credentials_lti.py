"""LTI 1.3 tool: platform registrations and their deployments, launched people by (issuer,
subject), values kept between login and launch, and gradebook columns for completions.

Revision ID: e0f1bead628e
Revises: 5d2f8e61a9b3
Create Date: 2026-12-05 05:16:12.462552

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e0f1bead628e"
down_revision = "5d2f8e61a9b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lti_launch_values",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_lti_launch_values")),
    )
    with op.batch_alter_table("lti_launch_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lti_launch_values_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "lti_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("auth_login_url", sa.String(length=500), nullable=False),
        sa.Column("auth_token_url", sa.String(length=500), nullable=False),
        sa.Column("key_set_url", sa.String(length=500), nullable=False),
        sa.Column("frame_origins", sa.String(length=1000), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("instructors_become_librarians", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_lti_registrations_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_registrations")),
        sa.UniqueConstraint(
            "issuer", "client_id", name=op.f("uq_lti_registrations_issuer_client_id")
        ),
    )
    with op.batch_alter_table("lti_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lti_registrations_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "lti_deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["lti_registrations.id"],
            name=op.f("fk_lti_deployments_registration_id_lti_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_deployments")),
        sa.UniqueConstraint(
            "registration_id",
            "deployment_id",
            name=op.f("uq_lti_deployments_registration_id_deployment_id"),
        ),
    )
    with op.batch_alter_table("lti_deployments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lti_deployments_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "lti_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["lti_registrations.id"],
            name=op.f("fk_lti_identities_registration_id_lti_registrations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_lti_identities_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_identities")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_lti_identities_issuer_subject")),
        sa.UniqueConstraint("user_id", name=op.f("uq_lti_identities_user_id")),
    )
    with op.batch_alter_table("lti_identities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lti_identities_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "lti_grade_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("lineitem_url", sa.String(length=500), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("due_since", sa.DateTime(), nullable=True),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_lti_grade_targets_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_lti_grade_targets_learner_id_learners")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["lti_registrations.id"],
            name=op.f("fk_lti_grade_targets_registration_id_lti_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_grade_targets")),
        sa.UniqueConstraint(
            "learner_id",
            "course_id",
            "lineitem_url",
            name=op.f("uq_lti_grade_targets_learner_id_course_id_lineitem_url"),
        ),
    )
    with op.batch_alter_table("lti_grade_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lti_grade_targets_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lti_grade_targets_due_since"), ["due_since"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lti_grade_targets_learner_id"), ["learner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lti_grade_targets_registration_id"), ["registration_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("lti_grade_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_grade_targets_registration_id"))
        batch_op.drop_index(batch_op.f("ix_lti_grade_targets_learner_id"))
        batch_op.drop_index(batch_op.f("ix_lti_grade_targets_due_since"))
        batch_op.drop_index(batch_op.f("ix_lti_grade_targets_course_id"))

    op.drop_table("lti_grade_targets")
    with op.batch_alter_table("lti_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_identities_registration_id"))

    op.drop_table("lti_identities")
    with op.batch_alter_table("lti_deployments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_deployments_registration_id"))

    op.drop_table("lti_deployments")
    with op.batch_alter_table("lti_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_registrations_organisation_id"))

    op.drop_table("lti_registrations")
    with op.batch_alter_table("lti_launch_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_launch_values_expires_at"))

    op.drop_table("lti_launch_values")
