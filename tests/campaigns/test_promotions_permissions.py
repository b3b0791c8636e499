"""Who may read and edit which promotion (DESIGN §2), as a matrix over the API and the pages.

Out of scope answers 404 (the object is not even confirmed to exist); visible but not allowed answers 403.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from campaigns.models import PromotionAttachment, PromotionOrigin, PromotionStatus
from campaigns.services.promotions import promotion_attachment_add
from tests.factories import PromotionFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%demo\n"

# user key: (role, region code)
USERS = {
    "author_mkt": (Role.MARKETING_STAFF, "cn"),
    "mkt_staff": (Role.MARKETING_STAFF, "cn"),
    "mkt_manager": (Role.MARKETING_MANAGER, "cn"),
    "author_rep": (Role.SALES_REP, "sh"),
    "rep_sh": (Role.SALES_REP, "sh"),
    "rep_bj": (Role.SALES_REP, "bj"),
    "mgr_east": (Role.SALES_MANAGER, "east"),
    "mgr_north": (Role.SALES_MANAGER, "north"),
    "director": (Role.SALES_DIRECTOR, "cn"),
    "gm": (Role.GENERAL_MANAGER, "cn"),
    "hr": (Role.HR, "cn"),
}
# promotion key: (author, origin, status, region code)
PROMOTIONS = {
    "mkt_draft_sh": ("author_mkt", PromotionOrigin.MARKETING, PromotionStatus.DRAFT, "sh"),
    "mkt_consultation_sh": ("author_mkt", PromotionOrigin.MARKETING, PromotionStatus.CONSULTATION, "sh"),
    "mkt_running_sh": ("author_mkt", PromotionOrigin.MARKETING, PromotionStatus.RUNNING, "sh"),
    "mkt_running_bj": ("author_mkt", PromotionOrigin.MARKETING, PromotionStatus.RUNNING, "bj"),
    "sales_draft_sh": ("author_rep", PromotionOrigin.SALES, PromotionStatus.DRAFT, "sh"),
    "sales_review_sh": ("author_rep", PromotionOrigin.SALES, PromotionStatus.REVIEW, "sh"),
}
MARKETING_SEES = {"mkt_draft_sh", "mkt_consultation_sh", "mkt_running_sh", "mkt_running_bj", "sales_review_sh"}
SUBMITTED = {"mkt_consultation_sh", "mkt_running_sh", "mkt_running_bj", "sales_review_sh"}
VISIBLE = {
    "author_mkt": MARKETING_SEES,
    "mkt_staff": MARKETING_SEES,
    "mkt_manager": MARKETING_SEES,
    "author_rep": {"sales_draft_sh", "sales_review_sh", "mkt_running_sh"},
    "rep_sh": {"mkt_running_sh"},
    "rep_bj": {"mkt_running_bj"},
    "mgr_east": {"mkt_consultation_sh", "mkt_running_sh", "sales_review_sh"},
    "mgr_north": {"mkt_running_bj"},
    "director": SUBMITTED,
    "gm": SUBMITTED,
    "hr": set(),
}
EDITABLE = {("author_mkt", "mkt_draft_sh"), ("author_rep", "sales_draft_sh")}


@pytest.fixture
def world(regions):
    users = {
        key: UserFactory(username=key, role=role, region=getattr(regions, region))
        for key, (role, region) in USERS.items()
    }
    promotions = {
        key: PromotionFactory(
            title=key,
            created_by=users[author],
            owner=users[author],
            origin=origin,
            status=status,
            regions=[getattr(regions, region)],
        )
        for key, (author, origin, status, region) in PROMOTIONS.items()
    }
    return users, promotions


def _expected_edit(user_key: str, promotion_key: str) -> int:
    if promotion_key not in VISIBLE[user_key]:
        return 404
    return 200 if (user_key, promotion_key) in EDITABLE else 403


@pytest.mark.parametrize("user_key", list(USERS))
def test_api_read_and_edit_matrix(api_client, world, user_key):
    users, promotions = world
    api_client.force_authenticate(users[user_key])

    listed = {p["title"] for p in api_client.get("/api/v1/promotions/?page_size=100").json()["results"]}
    reads = {key: api_client.get(f"/api/v1/promotions/{p.pk}/").status_code for key, p in promotions.items()}
    edits = {
        key: api_client.patch(f"/api/v1/promotions/{p.pk}/", {"title": f"{key} edited"}, format="json").status_code
        for key, p in promotions.items()
    }

    assert listed == VISIBLE[user_key]
    assert reads == {key: 200 if key in VISIBLE[user_key] else 404 for key in PROMOTIONS}
    assert edits == {key: _expected_edit(user_key, key) for key in PROMOTIONS}
    edited = {p.title for p in type(promotions["mkt_draft_sh"]).objects.filter(title__endswith=" edited")}
    assert edited == {f"{key} edited" for key in PROMOTIONS if _expected_edit(user_key, key) == 200}


@pytest.mark.parametrize("user_key", list(USERS))
def test_pages_read_and_edit_matrix(client, world, user_key):
    users, promotions = world
    client.force_login(users[user_key])

    reads = {key: client.get(f"/promotions/{p.pk}/").status_code for key, p in promotions.items()}
    edit_forms = {key: client.get(f"/promotions/{p.pk}/edit/").status_code for key, p in promotions.items()}
    edit_posts = {
        key: client.post(f"/promotions/{p.pk}/edit/", {"title": "posted"}).status_code for key, p in promotions.items()
    }

    assert reads == {key: 200 if key in VISIBLE[user_key] else 404 for key in PROMOTIONS}
    assert edit_forms == {key: _expected_edit(user_key, key) for key in PROMOTIONS}
    # The allowed post is an incomplete form: it re-renders (200) with errors and changes nothing.
    assert edit_posts == {key: _expected_edit(user_key, key) for key in PROMOTIONS}
    assert not type(promotions["mkt_draft_sh"]).objects.filter(title="posted").exists()


def test_the_edit_button_shows_only_to_who_may_edit(client, world):
    users, promotions = world
    detail = f"/promotions/{promotions['mkt_draft_sh'].pk}/"

    client.force_login(users["author_mkt"])
    assert 'data-testid="edit-promotion"' in client.get(detail).content.decode()
    client.force_login(users["mkt_manager"])
    assert 'data-testid="edit-promotion"' not in client.get(detail).content.decode()


def test_hr_and_others_without_drafting_rights_get_403_on_the_new_form(client, world):
    users, _promotions = world
    for key, expected in (("hr", 403), ("director", 403), ("gm", 403), ("rep_bj", 200), ("mkt_staff", 200)):
        client.force_login(users[key])
        assert client.get("/promotions/new/").status_code == expected, key


@pytest.fixture
def attachment(world):
    users, promotions = world
    return promotion_attachment_add(
        user=users["author_mkt"],
        promotion=promotions["mkt_draft_sh"],
        file=SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf"),
    )


def test_attachment_download_follows_promotion_visibility(client, world, attachment):
    users, promotions = world
    url = f"/promotions/{promotions['mkt_draft_sh'].pk}/attachments/{attachment.pk}/"

    client.force_login(users["mkt_staff"])
    allowed = client.get(url)
    client.force_login(users["rep_sh"])
    denied = client.get(url)

    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == PDF
    assert allowed["Content-Disposition"] == 'attachment; filename="brief.pdf"'
    assert allowed["Content-Type"] == "application/pdf"
    assert denied.status_code == 404


def test_an_attachment_id_swapped_into_another_promotions_url_is_404(client, api_client, world, attachment):
    users, promotions = world
    running = promotions["mkt_running_sh"]  # visible to rep_sh and the author alike

    client.force_login(users["author_mkt"])
    swapped_download = client.get(f"/promotions/{running.pk}/attachments/{attachment.pk}/")
    swapped_delete_page = client.post(f"/promotions/{running.pk}/attachments/{attachment.pk}/delete/")
    api_client.force_authenticate(users["author_mkt"])
    swapped_delete_api = api_client.delete(f"/api/v1/promotions/{running.pk}/attachments/{attachment.pk}/")

    assert swapped_download.status_code == 404
    assert swapped_delete_page.status_code == 404
    assert swapped_delete_api.status_code == 404
    assert PromotionAttachment.objects.filter(pk=attachment.pk).exists()


def test_a_colleague_who_sees_a_draft_may_not_upload_or_delete_its_attachments(api_client, world, attachment):
    users, promotions = world
    draft = promotions["mkt_draft_sh"]
    api_client.force_authenticate(users["mkt_manager"])

    upload = api_client.post(
        f"/api/v1/promotions/{draft.pk}/attachments/",
        {"file": SimpleUploadedFile("other.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    delete = api_client.delete(f"/api/v1/promotions/{draft.pk}/attachments/{attachment.pk}/")

    assert upload.status_code == 403
    assert delete.status_code == 403
    assert list(PromotionAttachment.objects.values_list("name", flat=True)) == ["brief.pdf"]


def test_out_of_scope_users_cannot_upload_to_an_invisible_promotion(api_client, world):
    users, promotions = world
    api_client.force_authenticate(users["rep_bj"])

    response = api_client.post(
        f"/api/v1/promotions/{promotions['sales_draft_sh'].pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )

    assert response.status_code == 404
    assert not PromotionAttachment.objects.exists()


def test_anonymous_users_are_sent_to_sign_in_or_get_401(client, api_client, world):
    _users, promotions = world
    pk = promotions["mkt_running_sh"].pk

    assert client.get(f"/promotions/{pk}/").status_code == 302
    assert client.get("/promotions/calendar/").status_code == 302
    assert api_client.get(f"/api/v1/promotions/{pk}/").status_code == 401
