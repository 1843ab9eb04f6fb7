"""Authorship claims: a member says an author name on a paper is theirs, staff approve or reject.

The claim table is the record of who wrote what on this site. ``Authorship.user`` (filled by
Hugging Face imports with the imported account that claimed the author there) is read as well,
but never written here: an import replaces a paper's authorships wholesale, which would drop a
link stored on them. A claim names the paper and the name as the paper spells it, and counts
while the paper still lists that name.

Rules: only a visible author name of the paper can be claimed; a name has one claimant at a
time (waiting or approved), a member claims one name per paper, and a name linked to a member's
account already is taken. Every write is one transaction; a refused claim changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

from paperfeed.community.models import ACTIVE_CLAIM, AuthorshipClaim, ClaimStatus
from paperfeed.core.query_text import without_control_characters
from paperfeed.papers.models import Authorship, Paper

# A name held by more papers than this is claimed paper by paper (or by staff): approving
# thousands of papers of a common name at once would mostly be someone else's work.
MAX_PAPERS_PER_NAME_CLAIM = 500


class ClaimError(Exception):
    """A claim that cannot be made; ``message`` is for the member who tried."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _typed_name(name: str) -> str:
    """The name as typed, spaces folded; control characters are refused (no author name holds
    one, and PostgreSQL refuses NUL in a query)."""
    if without_control_characters(name) != name:
        raise ClaimError("An author name holds no control characters.", "bad_name")
    return " ".join(name.split())


def _names_on(paper: Paper) -> list[str]:
    """The paper's visible author names in order, each once."""
    names = paper.authorships.visible().order_by("position").values_list("name", flat=True)
    return list(dict.fromkeys(name for name in names if name))


def _linked_members(paper: Paper) -> dict[str, object]:
    """Names on ``paper`` already linked to a member's own account (not an imported one)."""
    rows = paper.authorships.visible().filter(user__isnull=False, user__imported=False).select_related("user")
    return {row.name: row.user for row in rows}


def claim(user, paper: Paper, name: str) -> AuthorshipClaim:
    """File ``user``'s claim to be ``name`` on ``paper``, waiting for review."""
    spelled = {n.lower(): n for n in _names_on(paper)}.get(_typed_name(name).lower())
    if spelled is None:
        raise ClaimError(
            f"“{name[:100]}” is not an author of this paper, so it cannot be claimed.", "not_on_paper"
        )
    linked = _linked_members(paper).get(spelled)
    if linked is not None:
        if linked.pk == user.pk:
            raise ClaimError(f"“{spelled}” on this paper is already yours.", "already_yours")
        raise ClaimError(
            f"“{spelled}” on this paper is already claimed by another member.", "already_claimed"
        )
    active = AuthorshipClaim.objects.filter(ACTIVE_CLAIM, paper=paper)
    mine = active.filter(user=user).first()
    if mine is not None:
        raise ClaimError(_own_claim_message(mine, spelled), "already_claimed_by_you")
    if active.filter(name=spelled).exists():
        raise ClaimError(
            f"“{spelled}” on this paper is already claimed by another member.", "already_claimed"
        )
    try:
        with transaction.atomic():
            return AuthorshipClaim.objects.create(user=user, paper=paper, name=spelled)
    except IntegrityError:  # a claim made at the same moment won the name
        raise ClaimError(
            f"“{spelled}” on this paper was claimed a moment ago; reload the page to see by whom.",
            "already_claimed",
        ) from None


def _own_claim_message(mine: AuthorshipClaim, name: str) -> str:
    if mine.name != name:
        return f"You already claimed “{mine.name}” on this paper; a member is one of its authors."
    if mine.status == ClaimStatus.APPROVED:
        return f"“{name}” on this paper is already yours."
    return f"You already claimed “{name}” on this paper; it is waiting for review."


@dataclass(frozen=True)
class NameClaimResult:
    name: str
    filed: int  # new claims waiting for review
    skipped: int  # papers whose name is taken, or where the member claimed already


def claim_name(user, name: str) -> NameClaimResult:
    """Claim ``name`` (whatever its case) on every visible paper listing it: one claim per paper."""
    name = _typed_name(name)
    named = (
        Authorship.objects.visible()
        .filter(paper__hidden=False)
        .alias(name_lower=Lower("name"))
        .filter(name_lower=Lower(Value(name)))
    )
    spelled: dict[int, str] = {}
    for paper_id, spelling, linked, imported in named.order_by("paper_id", "position").values_list(
        "paper_id", "name", "user_id", "user__imported"
    ):
        if linked is not None and not imported:
            spelled[paper_id] = ""  # linked to a member's account: not open to claims
        else:
            spelled.setdefault(paper_id, spelling)
    if not spelled:
        raise ClaimError(f"No paper on this site lists an author named “{name[:100]}”.", "not_on_paper")
    if len(spelled) > MAX_PAPERS_PER_NAME_CLAIM:
        raise ClaimError(
            f"{len(spelled)} papers list “{name[:100]}”: more than {MAX_PAPERS_PER_NAME_CLAIM}, so many "
            "people likely share the name. Claim your papers one by one from their pages.",
            "too_many_papers",
        )
    active = AuthorshipClaim.objects.filter(ACTIVE_CLAIM, paper_id__in=list(spelled))
    taken = set(active.filter(user=user).values_list("paper_id", flat=True))
    taken |= {pk for pk, n in active.values_list("paper_id", "name") if n == spelled[pk]}
    wanted = [
        AuthorshipClaim(user=user, paper_id=pk, name=n) for pk, n in spelled.items() if n and pk not in taken
    ]
    if not wanted:
        raise ClaimError(
            f"Every paper of “{name[:100]}” is already claimed, by you or by another member.",
            "already_claimed",
        )
    with transaction.atomic():
        # A claim that collides with one made meanwhile is left out, not an error.
        AuthorshipClaim.objects.bulk_create(wanted, ignore_conflicts=True)
        filed = AuthorshipClaim.objects.filter(
            user=user, status=ClaimStatus.PENDING, paper_id__in=[c.paper_id for c in wanted]
        ).count()
    return NameClaimResult(name=name, filed=filed, skipped=len(spelled) - len(wanted))


def withdraw(user, claim_id: int) -> AuthorshipClaim:
    """Take back one of ``user``'s claims still waiting for review."""
    found = AuthorshipClaim.objects.filter(pk=claim_id, user=user).select_related("paper").first()
    if found is None:
        raise ClaimError("There is no such claim of yours.", "no_claim")
    if found.status != ClaimStatus.PENDING:
        raise ClaimError("Only a claim waiting for review can be withdrawn.", "not_pending")
    found.delete()
    return found


# Moderation (the admin's actions).


@dataclass
class Decisions:
    done: int = 0
    skipped: list[str] | None = None


def approve(claims: QuerySet[AuthorshipClaim], moderator) -> Decisions:
    """Approve the waiting claims among ``claims`` whose name the paper still lists."""
    result = Decisions(skipped=[])
    for claim_id in list(claims.filter(status=ClaimStatus.PENDING).values_list("pk", flat=True)):
        with transaction.atomic():
            row = AuthorshipClaim.objects.select_for_update().filter(pk=claim_id).first()
            if row is None or row.status != ClaimStatus.PENDING:
                continue  # decided meanwhile
            if row.name not in _names_on(row.paper):
                result.skipped.append(f"{row.paper.arxiv_id}: the paper no longer lists “{row.name}”")
                continue
            _decide(row, ClaimStatus.APPROVED, moderator)
            result.done += 1
    return result


def reject(claims: QuerySet[AuthorshipClaim], moderator) -> Decisions:
    """Reject waiting claims, or revoke approved ones: the name is free to claim again."""
    result = Decisions(skipped=[])
    ids = list(claims.values_list("pk", flat=True))  # the admin's query joins nullable users
    with transaction.atomic():
        for row in AuthorshipClaim.objects.select_for_update().filter(ACTIVE_CLAIM, pk__in=ids):
            _decide(row, ClaimStatus.REJECTED, moderator)
            result.done += 1
    return result


def _decide(row: AuthorshipClaim, status: str, moderator) -> None:
    row.status = status
    row.decided_at = timezone.now()
    row.decided_by = moderator
    row.save(update_fields=["status", "decided_at", "decided_by"])


# Reading: who wrote what.


def _still_listed() -> Exists:
    """The claim's paper still lists its name (an import may have changed the author list)."""
    return Exists(Authorship.objects.visible().filter(paper_id=OuterRef("paper_id"), name=OuterRef("name")))


def approved_claims() -> QuerySet[AuthorshipClaim]:
    return AuthorshipClaim.objects.filter(status=ClaimStatus.APPROVED).filter(_still_listed())


def authored_paper_ids(user) -> QuerySet:
    """Ids (a ``paper_id`` values query) of the papers ``user`` wrote: approved claims, and
    authorships an import linked to their account."""
    claimed = approved_claims().filter(user=user).order_by().values("paper_id")
    return claimed.union(Authorship.objects.visible().filter(user=user).order_by().values("paper_id"))


def authored_papers(user) -> QuerySet[Paper]:
    """The visible papers ``user`` wrote, newest first."""
    claimed = Exists(approved_claims().filter(user=user, paper_id=OuterRef("pk")))
    linked = Exists(Authorship.objects.visible().filter(user=user, paper_id=OuterRef("pk")))
    return Paper.objects.visible().filter(claimed | linked).order_by("-published", "-pk")


def paper_author_users(paper: Paper) -> dict[str, object]:
    """The site accounts behind the paper's author names: {name: user}, approved claims over
    import links."""
    linked = {
        row.name: row.user
        for row in paper.authorships.visible().filter(user__isnull=False).select_related("user")
    }
    for row in approved_claims().filter(paper=paper).select_related("user"):
        linked[row.name] = row.user
    return linked


@dataclass(frozen=True)
class ClaimChoices:
    """What the paper page offers ``user``: the names they may claim, or their claim as it stands."""

    open_names: list[str]
    mine: AuthorshipClaim | None  # the reader's waiting or approved claim on the paper


def claim_choices(user, paper: Paper, accounts: dict[str, object]) -> ClaimChoices:
    """``accounts`` is :func:`paper_author_users` of the paper (names already someone's)."""
    active = list(AuthorshipClaim.objects.filter(ACTIVE_CLAIM, paper=paper))
    mine = next((c for c in active if user.is_authenticated and c.user_id == user.pk), None)
    taken = {c.name for c in active} | {name for name, account in accounts.items() if not account.imported}
    if mine is None and user.is_authenticated and any(a.pk == user.pk for a in accounts.values()):
        return ClaimChoices([], None)  # an import linked the reader already
    return ClaimChoices([n for n in _names_on(paper) if n not in taken], mine)


def show_accounts(authorships: list[Authorship], accounts: dict[str, object]) -> list[Authorship]:
    """Set each shown authorship's ``user`` to the account behind its name (for the page only,
    never saved: approved claims live in their own table)."""
    for authorship in authorships:
        authorship.user = accounts.get(authorship.name, authorship.user)
    return authorships
