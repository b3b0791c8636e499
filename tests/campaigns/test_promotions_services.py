"""campaigns.services.promotions: drafting, editing, attachments — rules, messages, nothing written on failure."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from campaigns.models import Promotion, PromotionAttachment, PromotionOrigin, PromotionStatus, PromotionType
from campaigns.services.promotions import (
    ATTACHMENT_MAX_BYTES,
    promotion_attachment_add,
    promotion_attachment_delete,
    promotion_create,
    promotion_update,
)
from tests.factories import ProductFactory, PromotionFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%demo\n"


@pytest.fixture
def products(db):
    return [ProductFactory(sku="SKU-A"), ProductFactory(sku="SKU-B")]


@pytest.fixture
def marketer(regions):
    return UserFactory(username="mkt", role=Role.MARKETING_STAFF, region=regions.cn)


@pytest.fixture
def rep(regions):
    return UserFactory(username="rep.sh", role=Role.SALES_REP, region=regions.sh)


def draft_values(tree, skus, **overrides) -> dict:
    values = {
        "title": "  Summer tea special  ",
        "type": PromotionType.SPECIAL_PRICE,
        "starts_on": datetime.date(2026, 7, 1),
        "ends_on": datetime.date(2026, 7, 31),
        "mechanics": "Second bottle half price.",
        "expected_effect": "+20% units",
        "products": skus,
        "regions": [tree.sh],
        "price_floor": Decimal("2.60"),
        "price_ceiling": Decimal("3.50"),
        "budget": Decimal("5000.00"),
    }
    values.update(overrides)
    return values


def test_marketing_drafts_a_proposal(marketer, regions, products):
    helper = UserFactory(username="helper", role=Role.SALES_MANAGER, region=regions.east)

    promotion = promotion_create(user=marketer, responsible=[helper], **draft_values(regions, products))

    promotion.refresh_from_db()
    assert promotion.title == "Summer tea special"
    assert promotion.origin == PromotionOrigin.MARKETING
    assert promotion.status == PromotionStatus.DRAFT
    assert promotion.created_by == marketer
    assert promotion.owner == marketer
    assert promotion.price_floor == Decimal("2.60")
    assert promotion.price_ceiling == Decimal("3.50")
    assert promotion.budget == Decimal("5000.00")
    assert sorted(p.sku for p in promotion.products.all()) == ["SKU-A", "SKU-B"]
    assert list(promotion.regions.all()) == [regions.sh]
    assert list(promotion.responsible.all()) == [helper]


def test_a_rep_drafts_a_sales_request_in_their_own_city(rep, regions, products):
    promotion = promotion_create(user=rep, **draft_values(regions, products))

    assert promotion.origin == PromotionOrigin.SALES
    assert promotion.status == PromotionStatus.DRAFT
    assert promotion.owner == rep


def test_hr_may_not_draft(regions, products):
    hr = UserFactory(role=Role.HR, region=regions.cn)

    with pytest.raises(PermissionDenied):
        promotion_create(user=hr, **draft_values(regions, products))

    assert not Promotion.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"ends_on": datetime.date(2026, 6, 30)},
            {"ends_on": ["The promotion cannot end before it starts."]},
        ),
        (
            {"price_floor": Decimal("4.00"), "price_ceiling": Decimal("3.00")},
            {"price_ceiling": ["The price ceiling cannot be below the price floor."]},
        ),
        ({"budget": Decimal("-1")}, {"budget": ["The budget cannot be negative."]}),
        (
            {"regions": [], "products": []},
            {"products": ["Choose at least one product."], "regions": ["Choose at least one region."]},
        ),
        (
            {"title": "  ", "mechanics": "", "expected_effect": ""},
            {
                "title": ["Give the promotion a title."],
                "mechanics": ["Describe the mechanics: what the shopper gets and how the store runs it."],
                "expected_effect": ["Say what effect you expect."],
            },
        ),
        ({"type": "free_lunch"}, {"type": ["Choose a promotion type."]}),
    ],
)
def test_invalid_drafts_are_refused_with_a_message_per_field(marketer, regions, products, overrides, expected):
    with pytest.raises(ValidationError) as error:
        promotion_create(user=marketer, **draft_values(regions, products, **overrides))

    assert error.value.message_dict == expected
    assert not Promotion.objects.exists()


def test_inactive_products_cannot_be_promoted(marketer, regions, products):
    old = ProductFactory(sku="SKU-OLD", active=False)

    with pytest.raises(ValidationError) as error:
        promotion_create(user=marketer, **draft_values(regions, [*products, old]))

    assert error.value.message_dict == {
        "products": ["These products are no longer sold and cannot be promoted: SKU-OLD."]
    }
    assert not Promotion.objects.exists()


def test_a_rep_may_not_target_regions_outside_their_area(rep, regions, products):
    with pytest.raises(ValidationError) as error:
        promotion_create(user=rep, **draft_values(regions, products, regions=[regions.sh, regions.east, regions.bj]))

    assert error.value.message_dict == {
        "regions": ["You can only target regions inside your own area: Beijing, East is outside it."]
    }
    assert not Promotion.objects.exists()


def test_a_sales_manager_targets_their_whole_subtree(regions, products):
    manager = UserFactory(role=Role.SALES_MANAGER, region=regions.east)

    promotion = promotion_create(user=manager, **draft_values(regions, products, regions=[regions.east, regions.hz]))

    assert promotion.origin == PromotionOrigin.SALES
    assert sorted(r.code for r in promotion.regions.all()) == ["EAST", "HZ"]


def test_owner_and_responsible_people_must_be_active(marketer, regions, products):
    gone = UserFactory(username="gone", is_active=False)
    left = UserFactory(username="left", is_active=False)

    with pytest.raises(ValidationError) as error:
        promotion_create(user=marketer, owner=gone, responsible=[left], **draft_values(regions, products))

    assert error.value.message_dict == {
        "owner": ["Choose an active user as the owner."],
        "responsible": ["These people are no longer active: left."],
    }
    assert not Promotion.objects.exists()


# --- update ------------------------------------------------------------------------------------------------------


def test_the_author_updates_only_the_fields_given(marketer, regions, products):
    promotion = promotion_create(user=marketer, **draft_values(regions, products))
    other = ProductFactory(sku="SKU-C")

    updated = promotion_update(
        user=marketer,
        promotion=promotion,
        data={"title": "Summer tea special (v2)", "price_ceiling": Decimal("3.20"), "products": [other]},
    )

    promotion.refresh_from_db()
    assert updated.pk == promotion.pk
    assert promotion.title == "Summer tea special (v2)"
    assert promotion.price_ceiling == Decimal("3.20")
    assert promotion.price_floor == Decimal("2.60")
    assert promotion.mechanics == "Second bottle half price."
    assert [p.sku for p in promotion.products.all()] == ["SKU-C"]
    assert list(promotion.regions.all()) == [regions.sh]


def test_an_update_is_validated_against_the_stored_values_and_writes_nothing_when_invalid(marketer, regions, products):
    promotion = promotion_create(user=marketer, **draft_values(regions, products))

    with pytest.raises(ValidationError) as error:
        promotion_update(
            user=marketer,
            promotion=promotion,
            data={"title": "Changed", "price_floor": Decimal("9.00"), "regions": []},
        )

    assert error.value.message_dict == {
        "price_ceiling": ["The price ceiling cannot be below the price floor."],
        "regions": ["Choose at least one region."],
    }
    promotion.refresh_from_db()
    assert promotion.title == "Summer tea special"
    assert promotion.price_floor == Decimal("2.60")
    assert list(promotion.regions.all()) == [regions.sh]


def test_only_the_author_may_edit(marketer, regions, products):
    promotion = promotion_create(user=marketer, **draft_values(regions, products))
    colleague = UserFactory(role=Role.MARKETING_MANAGER, region=regions.cn)

    with pytest.raises(PermissionDenied, match=r"Only the author can edit this promotion\."):
        promotion_update(user=colleague, promotion=promotion, data={"title": "Mine now"})

    promotion.refresh_from_db()
    assert promotion.title == "Summer tea special"


@pytest.mark.parametrize("status", [PromotionStatus.REVIEW, PromotionStatus.APPROVED, PromotionStatus.CANCELLED])
def test_a_submitted_promotion_cannot_be_edited(marketer, status):
    promotion = PromotionFactory(created_by=marketer, status=status, title="Frozen")

    with pytest.raises(PermissionDenied, match="can no longer be edited"):
        promotion_update(user=marketer, promotion=promotion, data={"title": "Thawed"})

    promotion.refresh_from_db()
    assert promotion.title == "Frozen"


def test_a_returned_promotion_can_be_edited_again(marketer):
    promotion = PromotionFactory(created_by=marketer, status=PromotionStatus.RETURNED, title="Needs work")

    promotion_update(user=marketer, promotion=promotion, data={"title": "Reworked"})

    promotion.refresh_from_db()
    assert promotion.title == "Reworked"
    assert promotion.status == PromotionStatus.RETURNED


def test_update_refuses_undeclared_fields(marketer):
    promotion = PromotionFactory(created_by=marketer)

    with pytest.raises(TypeError):
        promotion_update(user=marketer, promotion=promotion, data={"status": PromotionStatus.APPROVED})

    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.DRAFT


# --- attachments -------------------------------------------------------------------------------------------------


def test_the_author_attaches_a_pdf_under_a_server_generated_name(marketer):
    promotion = PromotionFactory(created_by=marketer)
    upload = SimpleUploadedFile("../../etc/Plan 计划.PDF", PDF, content_type="application/pdf")

    attachment = promotion_attachment_add(user=marketer, promotion=promotion, file=upload)

    attachment.refresh_from_db()
    assert attachment.name == "Plan 计划.PDF"
    assert attachment.size == len(PDF)
    assert attachment.uploaded_by == marketer
    assert re.fullmatch(rf"promotions/{promotion.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "run.exe",
            b"MZ...",
            "application/octet-stream",
            "This kind of file cannot be attached. Allowed: PDF, PNG, JPG, GIF, WEBP, XLSX, DOCX, PPTX, CSV.",
        ),
        ("fake.pdf", b"<html>not a pdf</html>", "application/pdf", "The file's content does not match its name."),
        ("photo.png", PDF, "application/pdf", "The file's type does not match its name."),
        ("empty.csv", b"", "text/csv", "The file is empty."),
        ("data.csv", b"a,b\x00c", "text/csv", "The file's content does not match its name."),
    ],
)
def test_unsafe_or_mismatched_files_are_refused(marketer, name, content, content_type, message):
    promotion = PromotionFactory(created_by=marketer)

    with pytest.raises(ValidationError) as error:
        promotion_attachment_add(
            user=marketer, promotion=promotion, file=SimpleUploadedFile(name, content, content_type=content_type)
        )

    assert error.value.message_dict == {"file": [message]}
    assert not PromotionAttachment.objects.exists()


def test_files_over_10_mb_are_refused(marketer):
    promotion = PromotionFactory(created_by=marketer)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES, content_type="application/pdf")

    with pytest.raises(ValidationError) as error:
        promotion_attachment_add(user=marketer, promotion=promotion, file=big)

    assert error.value.message_dict == {"file": ["The file is too large (10.0 MB); the limit is 10 MB."]}
    assert not PromotionAttachment.objects.exists()


def test_only_the_author_attaches_while_editable(marketer, regions):
    promotion = PromotionFactory(created_by=marketer)
    colleague = UserFactory(role=Role.MARKETING_STAFF, region=regions.cn)
    submitted = PromotionFactory(created_by=marketer, status=PromotionStatus.REVIEW)

    with pytest.raises(PermissionDenied):
        promotion_attachment_add(
            user=colleague, promotion=promotion, file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        )
    with pytest.raises(PermissionDenied):
        promotion_attachment_add(
            user=marketer, promotion=submitted, file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
        )

    assert not PromotionAttachment.objects.exists()


def test_deleting_an_attachment_removes_the_row_and_the_stored_file(marketer, django_capture_on_commit_callbacks):
    promotion = PromotionFactory(created_by=marketer)
    attachment = promotion_attachment_add(
        user=marketer, promotion=promotion, file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    )
    stored = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        promotion_attachment_delete(user=marketer, attachment=attachment)

    assert not PromotionAttachment.objects.exists()
    assert not default_storage.exists(stored)


def test_only_the_author_deletes_an_attachment(marketer, regions):
    promotion = PromotionFactory(created_by=marketer)
    attachment = promotion_attachment_add(
        user=marketer, promotion=promotion, file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    )
    other = UserFactory(role=Role.MARKETING_MANAGER, region=regions.cn)

    with pytest.raises(PermissionDenied):
        promotion_attachment_delete(user=other, attachment=attachment)

    assert PromotionAttachment.objects.count() == 1
    assert default_storage.exists(attachment.file.name)


# --- demo data ---------------------------------------------------------------------------------------------------


def test_seed_promotions_drafts_four_promotions_in_east_once():
    from accounts.demo import seed_accounts_demo
    from campaigns.demo.master import seed_master_data
    from campaigns.demo.promotions import seed_promotions

    seed_accounts_demo()
    seed_master_data()

    assert seed_promotions() == 4
    assert seed_promotions() == 0
    rows = {
        p.title: (p.created_by.username, p.origin, p.status, sorted(r.code for r in p.regions.all()))
        for p in Promotion.objects.select_related("created_by").prefetch_related("regions")
    }
    assert sorted(rows.values()) == [
        ("mkt.li", PromotionOrigin.MARKETING, PromotionStatus.DRAFT, ["EAST"]),
        # The approvals demo runs these two through the workflow; nothing here sets a status.
        ("mkt.wang", PromotionOrigin.MARKETING, PromotionStatus.DRAFT, ["HZ"]),
        ("mkt.wang", PromotionOrigin.MARKETING, PromotionStatus.DRAFT, ["SH"]),
        ("rep.zhang", PromotionOrigin.SALES, PromotionStatus.DRAFT, ["SH"]),
    ]
