"""The unit of work: one session and a repository per aggregate over it. A handler names
``uow`` among its arguments to get the update's; a scheduler job opens its own with
``Database.unit()``. Repositories never commit: the unit does, when it ends."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import AuditRepo
from storage.base import BaseRepo
from storage.bookkeeping import KvRepo, LeasesRepo, SeenUpdatesRepo
from storage.erasure import ErasureRepo
from storage.groups import GroupsRepo
from storage.meetings import MeetingsRepo
from storage.moves import MovesRepo
from storage.organisations import InvitesRepo, OrganisationsRepo
from storage.outbox import OutboxRepo
from storage.owner import OwnerInvitesRepo
from storage.pairs import PairsRepo
from storage.parental import ParentalRepo
from storage.participants import ParticipantsRepo
from storage.people import PeopleRepo
from storage.plans import PlansRepo
from storage.preferences import PreferencesRepo
from storage.programmes import ProgrammesRepo
from storage.reports import ReportsRepo
from storage.safety import SafetyRepo
from storage.surveys import SurveysRepo


class Unit:
    """Where each aggregate's queries live (one module of storage/ each)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.people = PeopleRepo(session)  # users, consents (people.py)
        self.organisations = OrganisationsRepo(session)  # organisations, curators
        self.invites = InvitesRepo(session)  # invite links (organisations.py)
        self.owner_invites = OwnerInvitesRepo(session)  # the owner's curator links (owner.py)
        self.programmes = ProgrammesRepo(session)  # programmes, breaks
        self.participants = ParticipantsRepo(session)  # participants, profiles
        self.pairs = PairsRepo(session, self.participants)  # pairs, proposals, exclusions
        self.meetings = MeetingsRepo(session)  # meetings, check-ins
        self.groups = GroupsRepo(session)  # mentoring groups (groups.py); members are pairs
        self.plans = PlansRepo(session)  # a pair's plan (plans.py)
        self.surveys = SurveysRepo(session)  # questionnaires (surveys.py)
        self.parental = ParentalRepo(session)  # a minor's parental consent on paper (parental.py)
        self.preferences = PreferencesRepo(session)  # «быстрые встречи» rankings
        self.safety = SafetyRepo(session)  # «Сообщить куратору» reports (safety.py)
        self.reports = ReportsRepo(session)  # curators' digests and exports (reports.py)
        self.outbox = OutboxRepo(session)  # messages the bot starts itself
        self.audit = AuditRepo(session)
        self.erasure = ErasureRepo(session)  # forgetting a person (erasure.py)
        self.moves = MovesRepo(session)  # a person moving to the other messenger (moves.py)
        self.updates = SeenUpdatesRepo(session)  # updates already handled (bookkeeping.py)
        self.kv = KvRepo(session)
        self.leases = LeasesRepo(session)
        self.base = BaseRepo(session)  # the school's mentor base and its invitations (base.py)
