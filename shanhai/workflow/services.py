"""The yearly cycle's rules, in one place: who may move a submission, where to, and what must hold first.

    draft/returned ──submit──▶ submitted ──review──▶ reviewed ──approve──▶ approved ──accept──▶ accepted
                  ◀──return── (from submitted/reviewed)   ◀──unlock── (from approved/accepted, with a reason)

Who acts, for a report of side S (a plan follows the west side: the assisted province approves it):

- **submit**: a data-entry user who writes for side S of the pairing (region scope holding S's region,
  or a pairing scope above the pairing), or the national office;
- **review**: holder of `workflow.review_submission` with a region scope strictly above S's region
  (the city/prefecture, or the province doing both steps);
- **approve** (locks) and **unlock** of an approved one: holder of `workflow.approve_submission` with a
  province-level region scope holding S's region, or the national office;
- **accept** and unlock of an accepted one: the national office;
- **return**: whoever may take the next step.

Approval is refused while the paired side disputes a figure (`reconciliation`). Every move writes a
`Step` and bumps `version`: an action sent from a stale page (another version) is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from shanhai.accounts.writes import AnyUser, WriteGuard, WriteRefused, is_national
from shanhai.core.errors import ShanhaiError
from shanhai.core.reads import once, page_reads
from shanhai.network.models import Pairing
from shanhai.regions.models import Region
from shanhai.workflow.models import Action, Kind, Period, State, Step, Submission

SIDE_LABEL = {"east": "东部", "west": "西部", "": ""}
NEXT = {  # action → (states it may start from, state it leads to)
    Action.SUBMIT: ((State.DRAFT, State.RETURNED), State.SUBMITTED),
    Action.REVIEW: ((State.SUBMITTED,), State.REVIEWED),
    Action.APPROVE: ((State.SUBMITTED, State.REVIEWED), State.APPROVED),
    Action.ACCEPT: ((State.APPROVED,), State.ACCEPTED),
    Action.RETURN: ((State.SUBMITTED, State.REVIEWED), State.RETURNED),
    Action.UNLOCK: ((State.APPROVED, State.ACCEPTED), State.RETURNED),
}


def side_region(sub: Submission) -> Region:
    """The region whose chain of offices checks this submission."""
    return sub.pairing.east_region if sub.side == "east" else sub.pairing.west_region


def _region_scopes(user: AnyUser) -> list[Region]:
    """The user's region scopes: read once per page (`page_reads`) or per `move_many`, not per submission."""
    if user is None or not user.is_authenticated:
        return []
    return once(("workflow_region_scopes", user.pk), lambda: [  # type: ignore[union-attr]
        s.region for s in user.scopes.select_related("region") if s.region_id])  # type: ignore[union-attr]


def may(user: AnyUser, sub: Submission, action: str) -> str | None:
    """None when `user` may take `action` on `sub`; otherwise why not, in Chinese."""
    allowed_from, _to = NEXT[Action(action)]
    if sub.state not in allowed_from:
        return f"该填报当前为“{sub.get_state_display()}”，不能{Action(action).label}。"
    if user is None or is_national(user):
        return None
    if not user.is_active:
        return "账号已停用。"
    region = side_region(sub)
    scopes = _region_scopes(user)
    if action == Action.SUBMIT:
        guard = WriteGuard(user)
        if guard.role_error(Submission, "change"):
            return "您没有报送填报的权限。"
        own_side = any(region.path.startswith(r.path) for r in scopes) or (
            sub.kind == Kind.PLAN and guard.pairing_open(sub.pairing_id)
        ) or (bool(guard.pairing_paths) and sub.pairing.path.startswith(guard.pairing_paths)
              and sub.pairing.path not in {p for p in guard.pairing_paths})
        return None if own_side else f"只有{SIDE_LABEL[sub.side] or '本结对'}的填报人员可以报送这份填报。"
    if action == Action.REVIEW or (action == Action.RETURN and sub.state == State.SUBMITTED):
        if user.has_perm("workflow.review_submission") and any(
                region.path.startswith(r.path) and region.path != r.path for r in scopes):
            return None
        if user.has_perm("workflow.approve_submission") and _province_of(region, scopes):
            return None
        return f"只有{region.name}的上级（市州或省级）审核人员可以{Action(action).label}。"
    if action in (Action.APPROVE, Action.RETURN) or (action == Action.UNLOCK and sub.state == State.APPROVED):
        if user.has_perm("workflow.approve_submission") and _province_of(region, scopes):
            return None
        return f"只有{region.name}所在省级协作部门可以{Action(action).label}。"
    return f"只有全国管理员可以{Action(action).label}。"  # accept; unlock of an accepted one


def _province_of(region: Region, scopes: list[Region]) -> bool:
    return any(r.level == "province" and region.path.startswith(r.path) for r in scopes)


@dataclass
class Problem:
    """One reason a submission cannot go on: shown in the list the submit button answers with."""

    indicator: str  # code, "" for the whole submission
    message: str


def problems(sub: Submission) -> list[Problem]:
    """What is missing or wrong before `sub` may be submitted or approved (rules are data: CheckRule)."""
    from shanhai.workflow import checks

    return checks.submission_problems(sub)


def _notify(sub: Submission, step: Step) -> None:
    """E-mail the people whose 'my work' this step lands in (Django's mail backend; console in the demo)."""
    from shanhai.workflow.selectors import people_to_notify

    recipients = [u.email for u in people_to_notify(sub, step) if u.email]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):  # in the site's language, whatever page the actor used
        subject = f"【山海】{sub}：{step.get_action_display()}"
        body = (f"{sub}\n状态：{State(step.from_state).label} → {State(step.to_state).label}\n"
                f"操作人：{step.user or '系统'}\n" + (f"意见：{step.comment}\n" if step.comment else "")
                + "请登录山海平台“我的待办”处理。")
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def move(user: AnyUser, sub: Submission, action: str, *, comment: str = "", version: int | None = None,
         notify: bool = True) -> Submission:
    """Take one step; raises WriteRefused (not this user's step), ShanhaiError (a stale page, a missing
    comment, a problem list). Nothing changes then."""
    action = Action(action)
    with transaction.atomic():
        sub = Submission.objects.select_for_update().select_related(
            "pairing__east_region", "pairing__west_region", "period").get(pk=sub.pk)
        if version is not None and version != sub.version:
            raise ShanhaiError(f"该填报已被他人处理（当前状态：{sub.get_state_display()}），请刷新页面后再操作。",
                               code="conflict")
        refused = may(user, sub, action)
        if refused:
            raise WriteRefused(refused)
        comment = (comment or "").strip()
        if action in (Action.RETURN, Action.UNLOCK) and not comment:
            raise ShanhaiError("退回或解除锁定须写明理由。", field="comment")
        if action in (Action.SUBMIT, Action.APPROVE):
            found = problems(sub)
            if action == Action.APPROVE:
                from shanhai.workflow.reconcile import disputes_against

                found += [Problem("", m) for m in disputes_against(sub)]
            if found:
                raise ShanhaiError("不能" + action.label + "：" + "；".join(p.message for p in found[:20])
                                   + (f"（另有{len(found) - 20}项）" if len(found) > 20 else ""), code="incomplete")
        step = _record(user, sub, action, comment)
        if notify:
            _notify(sub, step)
    return sub


def _record(user: AnyUser, sub: Submission, action: Action, comment: str) -> Step:
    to = NEXT[action][1]
    step = Step.objects.create(submission=sub, action=action, from_state=sub.state, to_state=to,
                               user=user if getattr(user, "pk", None) else None, comment=comment)
    sub.state = to
    sub.version += 1
    if action == Action.SUBMIT:
        sub.submitted_at = timezone.now()
    if getattr(user, "pk", None) is not None:
        sub._history_user = user  # type: ignore[attr-defined]
    sub._change_reason = f"{action.label}" + (f"：{comment}" if comment else "")  # type: ignore[attr-defined]
    sub.save(update_fields=["state", "version", "submitted_at", "updated_at"])
    return step


def move_many(user: AnyUser, subs: Iterable[Submission], action: str, *, comment: str = "") -> tuple[int, list[str]]:
    """The same step for many submissions in one action (a province approving all its pairings): each is
    checked as alone; those that may not move are listed and left as they were. Returns (moved, reasons)."""
    moved, refused = 0, []
    with transaction.atomic(), page_reads():
        for sub in subs:
            try:
                with transaction.atomic():
                    move(user, sub, action, comment=comment, notify=False)
                moved += 1
            except ShanhaiError as e:
                refused.append(f"{sub.pairing}：{e.message}")
    return moved, refused


def submission_for(pairing: Pairing | int, period: Period, kind: str, side: str = "") -> Submission:
    """The submission of this pairing, period, kind and side, created as a draft when first asked for."""
    if kind == Kind.PLAN:
        side = ""
    elif side not in ("east", "west"):
        raise ShanhaiError("工作报告须注明填报方（东部或西部）。", field="side")
    pairing_id = pairing if isinstance(pairing, int) else pairing.pk
    sub, _created = Submission.objects.get_or_create(pairing_id=pairing_id, period=period, kind=kind, side=side)
    return sub


def period_for(programme_id: int, year: int, quarter: int = 0) -> Period:
    period = Period.objects.filter(programme_id=programme_id, year=year, quarter=quarter).first()
    if period is None:
        raise ShanhaiError(f"该协作项目尚未设置{year}年" + (f"第{quarter}季度" if quarter else "")
                           + "的填报期间，请联系全国管理员。", code="not_found")
    return period


def user_side(user: AnyUser, pairing: Pairing) -> str:
    """Which side of `pairing` the user reports for: the side whose region holds one of their region scopes;
    a pairing-scoped reporter (a school) reports for the west side unless their unit is in the east."""
    if user is None or is_national(user):
        return "west"
    scopes = _region_scopes(user)
    if any(pairing.west_region.path.startswith(r.path) for r in scopes):
        return "west"
    if any(pairing.east_region.path.startswith(r.path) for r in scopes):
        return "east"
    return "west"


def reviewers_q(region: Region) -> Q:
    """Users who may review or approve a submission whose side lies in `region`."""
    ancestors = [p + "/" for p in _prefixes(region.path)]
    return Q(scopes__region__path__in=ancestors) & ~Q(scopes__region__path=region.path)


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def active_users() -> Any:
    return get_user_model().objects.filter(is_active=True)
