"""Pages of the intel feed: marketing's feed of the field's competitor intel, customer feedback and promotion
feedback, with the answer, acknowledge, rating and follow-up forms posted from each card.

Reads go through ``feedback.selectors.intel`` (an item the user may not see is a 404); writes through
``feedback.services.intel`` (an action they may not take is a 403). Every form posts back to the feed with the same
filters; a small script posts them without a reload and swaps in the card the server renders (``X-Requested-With:
fetch``), and the page works the same without it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coordination.pages import paginate

from ..forms.intel import IntelAnswerForm, IntelFollowUpForm, IntelUsefulForm, feed_query
from ..models import FollowUp, IntelItem
from ..permissions import can_answer_intel, can_file_reports, can_follow_up_feedback, can_open_intel_feed
from ..selectors.intel import (
    SECTION_CHOICES,
    IntelFilter,
    intel_feed,
    intel_filter_choices,
    intel_item_get_for_user,
)
from ..services.intel import ANSWER_MAX_LENGTH, intel_acknowledge, intel_answer, intel_follow_up, intel_mark_useful


def _not_for_you(user) -> PermissionDenied:
    if not can_file_reports(user):  # e.g. HR: they file no intel, so no answers to point them to
        return PermissionDenied(_("The intel feed is for marketing, sales managers and the management."))
    return PermissionDenied(
        _(
            "The intel feed is for marketing, sales managers and the management. Marketing's answers to your own "
            "intel are shown on your reports."
        )
    )


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _card_context(request: HttpRequest, item: IntelItem, back: str) -> dict:
    item.can_follow_up = can_follow_up_feedback(request.user, item)
    return {
        "item": item,
        "can_answer": can_answer_intel(request.user),
        "back": back,
        "follow_up_choices": FollowUp.choices,
        "answer_max_length": ANSWER_MAX_LENGTH,
    }


@login_required
@require_safe
def intel_feed_view(request: HttpRequest) -> HttpResponse:
    if not can_open_intel_feed(request.user):
        raise _not_for_you(request.user)
    filterset = IntelFilter(request.GET, queryset=IntelItem.objects.none())
    valid = filterset.is_valid()  # invalid filters are shown on the form, over an empty list
    items = intel_feed(user=request.user, filters=request.GET) if valid else IntelItem.objects.none()
    page = paginate(request, items)
    for item in page.object_list:
        item.can_follow_up = can_follow_up_feedback(request.user, item)
    filtered = any(request.GET.get(name) for name in filterset.form.fields)
    return render(
        request,
        "feedback/intel_feed.html",
        {
            "page_obj": page,
            "filter_form": filterset.form,
            "filtered": filtered,
            "back": feed_query(request.GET.urlencode()),
            "can_answer": can_answer_intel(request.user),
            "sections": SECTION_CHOICES,
            **intel_filter_choices(user=request.user),
            "follow_up_choices": FollowUp.choices,
            "answer_max_length": ANSWER_MAX_LENGTH,
        },
    )


def _done(request: HttpRequest, item: IntelItem, back: str, *, success: str = "", error: str = "") -> HttpResponse:
    """Back to the feed with its filters (at the item's card); or, for the script, the card itself."""
    if _is_fetch(request):
        fresh = intel_item_get_for_user(user=request.user, pk=item.pk)
        context = {**_card_context(request, fresh, back), "card_error": error, "card_success": success}
        return render(request, "feedback/intel_card.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    query = feed_query(back)
    return redirect(f"{reverse('feedback:intel_feed')}{'?' + query if query else ''}#intel-{item.pk}")


def _first_error(form) -> str:
    return next(iter(message for messages_ in form.errors.values() for message in messages_), "")


def _service_error(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_POST
def intel_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = intel_item_get_for_user(user=request.user, pk=pk)
    back = request.POST.get("back", "")
    intel_acknowledge(user=request.user, item=item)
    return _done(request, item, back, success=_("Acknowledged."))


@login_required
@require_POST
def intel_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = intel_item_get_for_user(user=request.user, pk=pk)
    if not can_answer_intel(request.user):
        raise PermissionDenied(_("Only marketing acknowledges, answers and rates the field's intel."))
    form = IntelAnswerForm(request.POST)
    back = request.POST.get("back", "")
    if not form.is_valid():
        return _done(request, item, back, error=_first_error(form))
    try:
        intel_answer(user=request.user, item=item, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        return _done(request, item, back, error=_service_error(error))
    return _done(request, item, back, success=_("Your answer is sent to %(rep)s.") % {"rep": item.rep.display_name})


@login_required
@require_POST
def intel_useful_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = intel_item_get_for_user(user=request.user, pk=pk)
    if not can_answer_intel(request.user):
        raise PermissionDenied(_("Only marketing acknowledges, answers and rates the field's intel."))
    form = IntelUsefulForm(request.POST)
    back = request.POST.get("back", "")
    if not form.is_valid():
        return _done(request, item, back, error=_first_error(form))
    intel_mark_useful(user=request.user, item=item, useful=form.cleaned_data["useful"])
    return _done(request, item, back, success=_("Rating saved."))


@login_required
@require_POST
def intel_follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = intel_item_get_for_user(user=request.user, pk=pk)
    if not can_follow_up_feedback(request.user, item):
        raise PermissionDenied(_("Only marketing or the rep who reported it moves a customer feedback's follow-up."))
    form = IntelFollowUpForm(request.POST)
    back = request.POST.get("back", "")
    if not form.is_valid():
        return _done(request, item, back, error=_first_error(form))
    try:
        intel_follow_up(user=request.user, item=item, status=form.cleaned_data["status"])
    except ValidationError as error:
        return _done(request, item, back, error=_service_error(error))
    return _done(request, item, back, success=_("Follow-up saved."))


urlpatterns = [
    path("intel/", intel_feed_view, name="intel_feed"),
    path("intel/<int:pk>/acknowledge/", intel_acknowledge_view, name="intel_acknowledge"),
    path("intel/<int:pk>/answer/", intel_answer_view, name="intel_answer"),
    path("intel/<int:pk>/useful/", intel_useful_view, name="intel_useful"),
    path("intel/<int:pk>/follow-up/", intel_follow_up_view, name="intel_follow_up"),
]
