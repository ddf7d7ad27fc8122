"""The JSON API: django-ninja, bearer tokens, OpenAPI at /api/openapi.json and docs at /api/docs.

Every error has one shape, {"errors": [{"field": …, "message": "中文"}]}: request validation
(422), model validation (422), scope and role refusals (403), unknown or invisible records (404),
missing or bad tokens (401).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from shanhai.api.auth import TokenAuth
from shanhai.api.resources import routers
from shanhai.api.services import ApiError
from shanhai.core.errors import ShanhaiError


class Utf8Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese messages readable as they are


class ShanhaiAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Open data answers without a token too (public-only): its operations say the token is optional
        (an empty requirement beside it), so clients and schema checks don't demand one."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path, operations in schema.get("paths", {}).items():
            if path.startswith("/api/open/"):
                for operation in operations.values():
                    if isinstance(operation, dict) and operation.get("security") and {} not in operation["security"]:
                        operation["security"] = [*operation["security"], {}]
        return schema


api = ShanhaiAPI(
    renderer=Utf8Renderer(),
    title="山海 · 协作帮扶平台 API",
    version="1",
    description=(
        "东西部协作、对口帮扶数据接口。认证：请求头 `Authorization: Bearer <令牌>`（令牌用 "
        "`shanhai api_token 用户名` 或在管理后台“接口令牌”中创建，默认90天后过期）。所有数据按令牌用户的数据范围过滤；"
        "错误统一为 {\"errors\": [{\"field\": 字段, \"message\": 中文说明}]}。"
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

for area, router in routers():
    api.add_router(f"/{area}/", router)
api.add_router("/assessment/", "shanhai.assessment.api.router")  # read endpoints of the assessment (issue 10)
api.add_router("/open/", "shanhai.api.open_data.router")  # indicator values, regions; anonymous = public only (issue 13)


def _errors(request: HttpRequest, status: int, errors: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=status)


_PYDANTIC_MESSAGES = {
    "missing": "为必填项。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "bool_parsing": "应为 true 或 false。",
    "bool_type": "应为 true 或 false。",
    "date_from_datetime_parsing": "应为日期，如2023-10-26。",
    "date_parsing": "应为日期，如2023-10-26。",
    "date_type": "应为日期，如2023-10-26。",
    "literal_error": "不是可选值。",
    "string_too_long": "超过长度上限。",
    "string_type": "应为文字。",
    "string_pattern_mismatch": "格式不正确。",
    "greater_than_equal": "数值太小。",
    "less_than_equal": "数值太大。",
    "list_type": "应为列表。",
    "model_attributes_type": "应为 JSON 对象。",
    "json_invalid": "不是有效的 JSON。",
    "value_error": "值无效。",
    "extra_forbidden": "不是可写的字段。",
    "decimal_parsing": "应为数字。",
    "decimal_max_digits": "位数过多。",
    "decimal_max_places": "小数位数过多。",
    "dict_type": "应为 JSON 对象。",
}


@api.exception_handler(ValidationError)
def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        field = loc[-1] if loc else None
        message = _PYDANTIC_MESSAGES.get(item.get("type", ""), "值无效。")
        if item.get("type") == "literal_error":
            expected = item.get("ctx", {}).get("expected", "")
            message = f"不是可选值；可选：{expected}。"
        elif item.get("type") == "value_error":
            message = str(item.get("ctx", {}).get("error", "")) or message
        errors.append({"field": field, "message": f"「{field}」{message}" if field else message})
    return _errors(request, 422, errors)


@api.exception_handler(AuthenticationError)
def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = "缺少或无效的接口令牌：请在请求头中加入 Authorization: Bearer <令牌>。"
    if exc.message != AuthenticationError().message:  # a specific reason, such as an expired token
        message = exc.message
    return _errors(request, 401, [{"field": None, "message": message}])


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {400: "请求体不是有效的 JSON。", 403: "没有权限。", 405: "不支持该请求方法。", 429: "请求过于频繁，请稍后再试。"}
    return _errors(request, exc.status_code, [{"field": None, "message": messages.get(exc.status_code, "请求有误。")}])


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _errors(request, exc.status, exc.errors)


@api.exception_handler(ShanhaiError)
def on_shanhai_error(request: HttpRequest, exc: ShanhaiError) -> HttpResponse:
    status = {"forbidden": 403}.get(exc.code, 422)
    return _errors(request, status, [{"field": exc.field, "message": exc.message}])


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _errors(request, 404, [{"field": None, "message": "未找到。"}])
