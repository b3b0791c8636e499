"""Django REST framework and the OpenAPI schema (drf-spectacular, UI assets from the sidecar package: no CDN)."""

from .base import env

REST_FRAMEWORK = {
    # How many proxies stand in front of the app. 0: the client is REMOTE_ADDR and X-Forwarded-For is ignored
    # (it is forgeable); behind one load balancer set NUM_PROXIES=1.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate challenge makes anonymous requests answer 401 (not 403).
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "coordination.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "coordination.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Coordination API",
    "DESCRIPTION": (
        "Marketing and sales working as one. Authenticate with a session (browser) or a token: "
        "`POST /api/v1/auth/token/` with username and password, then send `Authorization: Token <token>`. "
        "Errors are JSON: a validation error maps each field to a list of messages "
        "(`non_field_errors` for the whole request); other errors carry a `detail` message."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI would otherwise ask validator.swagger.io to check the schema: no outside requests.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
    # Several models have a "kind"/"status" choice: give each enum its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "RegionKindEnum": "accounts.models.Region.Kind",
        "BrandKindEnum": "campaigns.models.Brand.Kind",
        "PlanKindEnum": "campaigns.models.PlanKind",
        "PlanStatusEnum": "campaigns.models.PlanStatus",
        "PromotionStatusEnum": "campaigns.models.PromotionStatus",
        "ReportStatusEnum": "feedback.models.ReportStatus",
        "AlertStatusEnum": "feedback.models.AlertStatus",
        "AlertKindEnum": "feedback.models.AlertKind",
        "FollowUpEnum": "feedback.models.FollowUp",
        "StepKindEnum": "approvals.models.StepKind",
        "StepStatusEnum": "approvals.models.StepStatus",
        "DecisionEnum": "approvals.models.Decision",
        "CostCategoryEnum": "campaigns.models.CostCategory",
        "NotificationKindEnum": "accounts.models.NotificationKind",
        "MeetingStatusEnum": "coordination.models.JointMeeting.Status",
        "ActionItemStatusEnum": "coordination.models.ActionItem.Status",
    },
}
