"""Random and hostile data posted to every form and endpoint: never a 500, nothing invalid stored,
everything stored shown back escaped."""

from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from axes.models import AccessAttempt, AccessLog
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.forms import InvitationForm
from accounts.models import Invitation
from diagnostics.catalogue import catalogue_data
from diagnostics.forms import DiagnosticCreateForm
from diagnostics.models import Answer, Diagnostic, PlanAction
from diagnostics.plan import services as plan_service
from diagnostics.plan.fields import TRACKED_FIELDS
from diagnostics.plan.forms import PlanActionForm
from diagnostics.question_kinds import kind_of
from diagnostics.questionnaire.answers import state_of
from diagnostics.questionnaire.forms import AnswerForm
from recommendations.enums import QuestionKind
from tests.factories import DiagnosticFactory, MembershipFactory, UserFactory

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
MARKERS = [SCRIPT, IMAGE]
RAW_MARKERS = ["<script>alert(1)", "<img src=x onerror"]
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "1e400",
    "-1e400",
    "-1",
    "0",
    str(2**70),
    str(-(2**70)),
    "1,5",
    "12 500,50",
    "NaN",
    "Infinity",
    "0x10",
    "١٢٣",
    "\u202etxt.exe",
    "\ufeff",
    "💥",
    "%s%n%x",
    "null",
    "[]",
    "{}",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "../../etc/passwd",
    "'; DROP TABLE diagnostics_answer; --",
    "' OR '1'='1",
    SCRIPT,
    IMAGE,
]

nasty = st.sampled_from(NASTY)
marked = st.builds(
    lambda before, marker, after: before + marker + after,
    st.text(max_size=20),
    st.sampled_from(MARKERS),
    st.text(max_size=20),
)
hostile = st.one_of(nasty, st.text(max_size=300), marked)
# Percent-encoded bytes, most of them not UTF-8 (b"\xff\xfe", lone surrogates…).
raw_bytes = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80", b"%", b"\x00"]),
)


def assert_escaped(response):
    body = response.content.decode("utf-8", "replace")
    for raw in RAW_MARKERS:
        assert raw not in body, f"unescaped {raw!r} in {response.request['PATH_INFO']}"


def raw_post(client, url, fields: dict):
    """POST a body whose values are arbitrary bytes, percent-encoded as a browser would."""
    body = "&".join(
        f"{quote(name)}={quote_from_bytes(value)}"
        for name, values in fields.items()
        for value in (values if isinstance(values, list) else [values])
    )
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


@pytest.fixture
def team(catalogue, collectivite, referent, agent):
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent
    )
    data = catalogue_data(catalogue.pk)
    other = MembershipFactory(role="referent")
    other_diagnostic = DiagnosticFactory(
        collectivite=other.collectivite, catalogue=catalogue, created_by=other.user
    )
    recommendation = data.recommendations[0]
    values = {"title": "Action", "recommendation": recommendation, "status": "a_lancer"}
    values["priority"] = "moyenne"
    action = plan_service.add_action(diagnostic=diagnostic, by=agent, values=values)
    foreign_action = plan_service.add_action(
        diagnostic=other_diagnostic, by=other.user, values=values
    )
    return {
        "diagnostic": diagnostic,
        "data": data,
        "agent": agent,
        "referent": referent,
        "action": action,
        "foreign_action": foreign_action,
        "other_collectivite": other.collectivite,
        "other_diagnostic": other_diagnostic,
    }


MISSING = object()  # a field left out of the form


@st.composite
def some_fields_hostile(draw, valid: dict, max_hostile: int = 3):
    """A form mostly as a browser would post it, with a few fields hostile or missing."""
    names = sorted(valid)
    bad = draw(st.sets(st.sampled_from(names), max_size=max_hostile))
    fields = {}
    for name in names:
        value = draw(st.one_of(hostile, st.just(MISSING)) if name in bad else valid[name])
        if value is not MISSING:
            fields[name] = value
    return fields


def prose(max_size):
    return st.one_of(marked, st.text(max_size=max_size))


def questions_by_kind(data):
    found = {}
    for question in data.questions:
        found.setdefault(question.kind, question)
    return found


def all_option_ids(data):
    return [option.pk for options in data.options_by_question.values() for option in options]


# Typed by hand: accepted by a number or a text question, refused (400) by the others.
TYPED = st.one_of(
    prose(2000),
    st.integers(0, 10**9).map(str),
    st.sampled_from(["12,5", "1 000", "0,25", "1000000000000"]),
)


def valid_value(question, options):
    """Mostly a sample answer at any level, as the browser posts it; sometimes typed by hand."""
    kind = kind_of(question)

    def posted(level, rng):
        value = kind.sample(question, options, level=level, rng=rng)
        return kind.post_value(question, options, value)

    sampled = st.builds(posted, st.floats(0, 1), st.randoms(use_true_random=False))
    return st.one_of(sampled, sampled, TYPED)


def answer_fields(question, options, other_option_ids, revision):
    """The fields of one question: valid ones, save a few hostile (or another question's ids)."""
    code = question.code
    value = valid_value(question, options)
    valid = {
        f"{code}-value": st.one_of(value, value, st.sampled_from(other_option_ids).map(str)),
        f"{code}-comment": prose(2000),
        f"{code}-revision": st.just(str(revision)),
    }
    if question.allows_not_applicable:
        valid[f"{code}-not_applicable"] = st.sampled_from(["", "on"])
    return some_fields_hostile(valid, max_hostile=2)


def as_posted(fields: dict) -> QueryDict:
    """The fields as the view receives them (a list's last value wins where one is expected)."""
    return QueryDict(urlencode(fields, doseq=True))


def expected_state(question, data, post):
    options = data.options_by_question.get(question.pk, [])
    form = AnswerForm(as_posted(post), question=question, options=options)
    return form.state if form.is_valid() else None


def current(diagnostic, question):
    answer = Answer.objects.filter(diagnostic=diagnostic, question=question).first()
    return state_of(answer), answer.revision if answer else 0


# --- Answers ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_autosave_never_fails_and_stores_only_what_the_form_accepts(client, team):
    data = team["data"]
    diagnostic = team["diagnostic"]
    client.force_login(team["agent"])
    kinds = questions_by_kind(data)
    assert set(kinds) == set(QuestionKind.values)
    option_ids = all_option_ids(data)

    @EXAMPLES
    @given(kind=st.sampled_from(sorted(kinds)), data_=st.data())
    def check(kind, data_):
        question = kinds[kind]
        before = current(diagnostic, question)
        options = data.options_by_question.get(question.pk, [])
        post = data_.draw(answer_fields(question, options, option_ids, before[1]))
        url = reverse("diagnostic_answer", args=[diagnostic.public_id, question.code])
        response = client.post(url, post)
        assert response.status_code in {200, 400, 409}, response.content[:500]
        event(f"status {response.status_code}")
        after = current(diagnostic, question)
        if response.status_code == 200 and response.json()["changed"]:
            assert after[0] == expected_state(question, data, post)
        elif response.status_code == 200:
            # Unchanged, or the sender's stale copy was already the stored one: nothing to do.
            assert after == before
            assert expected_state(question, data, post) is not None
        else:
            assert after == before

    check()


@pytest.mark.django_db
def test_the_autosave_survives_bytes_that_are_not_utf8(client, team):
    data = team["data"]
    diagnostic = team["diagnostic"]
    client.force_login(team["agent"])
    kinds = questions_by_kind(data)

    @EXAMPLES
    @given(kind=st.sampled_from(sorted(kinds)), value=raw_bytes, comment=raw_bytes)
    def check(kind, value, comment):
        question = kinds[kind]
        url = reverse("diagnostic_answer", args=[diagnostic.public_id, question.code])
        fields = {f"{question.code}-value": value, f"{question.code}-comment": comment}
        response = raw_post(client, url, fields)
        assert response.status_code in {200, 400, 409}
        answer = Answer.objects.filter(diagnostic=diagnostic, question=question).first()
        if answer is not None:
            assert "\x00" not in answer.comment

    check()


@pytest.mark.django_db
def test_a_question_code_from_nowhere_is_not_found(client, team):
    diagnostic = team["diagnostic"]
    client.force_login(team["agent"])

    @EXAMPLES
    @given(code=st.one_of(hostile, st.text(min_size=1, max_size=50)))
    def check(code):
        code = code.replace("/", "-") or "-"
        url = f"/diagnostics/{diagnostic.public_id}/questions/{quote(code, safe='')}/reponse/"
        response = client.post(url, {})
        if team["data"].question_by_code(code) is None:
            assert response.status_code == 404
        else:
            assert response.status_code in {200, 400, 409}

    check()


@pytest.mark.django_db
def test_the_recommendation_page_stores_valid_answers_only_and_shows_them_escaped(client, team):
    data = team["data"]
    diagnostic = team["diagnostic"]
    client.force_login(team["agent"])
    questions = data.questions_by_rec[1]
    url = reverse("diagnostic_recommendation", args=[diagnostic.public_id, 1])
    option_ids = all_option_ids(data)

    @EXAMPLES
    @given(data_=st.data(), hostile_questions=st.sets(st.sampled_from(questions), max_size=2))
    def check(data_, hostile_questions):
        before = {question.pk: current(diagnostic, question) for question in questions}
        post = {}
        for question in questions:
            options = data.options_by_question.get(question.pk, [])
            fields = answer_fields(question, options, option_ids, before[question.pk][1])
            if question not in hostile_questions:
                fields = st.fixed_dictionaries(
                    {
                        f"{question.code}-value": valid_value(question, options),
                        f"{question.code}-comment": prose(2000),
                        f"{question.code}-revision": st.just(str(before[question.pk][1])),
                    }
                )
            post.update(data_.draw(fields))
        response = client.post(url, post)
        assert response.status_code in {302, 400, 409}
        event(f"status {response.status_code}")
        assert_escaped(response)
        for question in questions:
            after = current(diagnostic, question)
            if after != before[question.pk]:
                assert after[0] == expected_state(question, data, post)
        assert_escaped(client.get(url))
        history = reverse("diagnostic_answer_history", args=[diagnostic.public_id, "R1.Q8"])
        assert_escaped(client.get(history))

    check()


# --- The action plan ----------------------------------------------------------------------------


def foreign_ids(team):
    """Ids a hostile form could name: the other collectivité's objects, option ids, nonsense."""
    return [
        team["foreign_action"].pk,
        team["other_diagnostic"].pk,
        team["other_collectivite"].pk,
        *all_option_ids(team["data"])[:5],
        2**70,
        -1,
    ]


def plan_fields(team, revision):
    data = team["data"]
    return some_fields_hostile(
        {
            "title": st.one_of(marked, st.text(min_size=1, max_size=200)),
            "recommendation": st.one_of(
                *[st.sampled_from([r.pk for r in data.recommendations]).map(str)] * 3,
                st.sampled_from(foreign_ids(team)).map(str),
            ),
            "description": prose(10_000),
            "owner": prose(200),
            "deadline": st.sampled_from(["", "T2 2027", "2028-T4", "30/06/2027", "31/02/2027"]),
            "budget_amount": st.one_of(
                st.integers(0, 10**12).map(str), st.sampled_from(["", "15 000", "2 500,50"])
            ),
            "budget_line": prose(200),
            "status": st.sampled_from(["a_lancer", "en_cours", "realisee", "abandonnee"]),
            "priority": st.sampled_from(["haute", "moyenne", "basse"]),
            "revision": st.just(str(revision)),
        }
    )


def action_values(action):
    return {name: getattr(action, name) for name in TRACKED_FIELDS}


@pytest.mark.django_db
def test_adding_an_action_stores_only_what_the_form_accepts(client, team):
    diagnostic = team["diagnostic"]
    client.force_login(team["agent"])
    url = reverse("plan_action_add", args=[diagnostic.public_id])

    @EXAMPLES
    @given(fields=plan_fields(team, 0))
    def check(fields):
        count = PlanAction.objects.count()
        response = client.post(url, fields)
        assert response.status_code in {302, 400}
        event(f"status {response.status_code}")
        assert_escaped(response)
        form = PlanActionForm(as_posted(fields), catalogue_id=diagnostic.catalogue_id)
        if response.status_code == 302:
            assert form.is_valid()
            action = PlanAction.objects.filter(diagnostic=diagnostic).latest("pk")
            assert PlanAction.objects.count() == count + 1
            for name, value in form.values.items():
                assert getattr(action, name) == value, name
            history = reverse("plan_action_history", args=[diagnostic.public_id, action.public_id])
            assert_escaped(client.get(history))
            assert_escaped(client.get(reverse("diagnostic_plan", args=[diagnostic.public_id])))
        else:
            assert not form.is_valid()
            assert PlanAction.objects.count() == count

    check()


@pytest.mark.django_db
def test_editing_an_action_stores_only_what_the_form_accepts(client, team):
    diagnostic = team["diagnostic"]
    action = team["action"]
    client.force_login(team["agent"])
    url = reverse("plan_action_edit", args=[diagnostic.public_id, action.public_id])

    @EXAMPLES
    @given(data_=st.data())
    def check(data_):
        before = PlanAction.objects.get(pk=action.pk)
        fields = data_.draw(plan_fields(team, before.revision))
        response = client.post(url, fields)
        assert response.status_code in {302, 400, 409}
        event(f"status {response.status_code}")
        assert_escaped(response)
        after = PlanAction.objects.get(pk=action.pk)
        if response.status_code == 302:
            form = PlanActionForm(as_posted(fields), catalogue_id=diagnostic.catalogue_id)
            assert form.is_valid()
            for name, value in form.values.items():
                assert getattr(after, name) == value, name
            history = reverse("plan_action_history", args=[diagnostic.public_id, action.public_id])
            assert_escaped(client.get(history))
            assert_escaped(client.get(url))
        else:
            assert action_values(after) == action_values(before)
            assert after.revision == before.revision

    check()


@pytest.mark.django_db
def test_another_diagnostics_action_cannot_be_reached_through_this_one(client, team):
    diagnostic = team["diagnostic"]
    foreign = team["foreign_action"]
    client.force_login(team["referent"])
    same_collectivite = DiagnosticFactory(
        collectivite=diagnostic.collectivite,
        catalogue=diagnostic.catalogue,
        created_by=team["referent"],
    )
    sibling = plan_service.add_action(
        diagnostic=same_collectivite,
        by=team["referent"],
        values={
            "title": "Autre",
            "recommendation": team["data"].recommendations[0],
            "status": "a_lancer",
            "priority": "moyenne",
        },
    )
    for action in [foreign, sibling]:
        for name in ["plan_action_edit", "plan_action_toggle", "plan_action_history"]:
            url = reverse(name, args=[diagnostic.public_id, action.public_id])
            if name == "plan_action_history":
                response = client.get(url)
            else:
                response = client.post(url, {"title": "Piraté", "decision": "ecarter"})
            assert response.status_code == 404, (name, response.status_code)
    foreign.refresh_from_db()
    sibling.refresh_from_db()
    assert (foreign.title, sibling.title, foreign.dismissed, sibling.dismissed) == (
        "Action",
        "Autre",
        False,
        False,
    )


# --- Accounts and collectivités -----------------------------------------------------------------


@pytest.mark.django_db
def test_invitations_take_valid_addresses_and_roles_only(client, team):
    collectivite = team["diagnostic"].collectivite
    client.force_login(team["referent"])
    url = reverse("members", args=[collectivite.public_id])

    @EXAMPLES
    @given(
        fields=some_fields_hostile(
            {"email": st.emails(), "role": st.sampled_from(["agent", "elu", "referent"])},
            max_hostile=1,
        )
    )
    def check(fields):
        count = Invitation.objects.count()
        response = client.post(url, fields)
        assert response.status_code in {302, 400, 429}
        event(f"status {response.status_code}")
        assert_escaped(response)
        if response.status_code == 302:
            form = InvitationForm(as_posted(fields))
            assert form.is_valid()
            invitation = Invitation.objects.latest("pk")
            assert (invitation.email, invitation.role) == (
                form.cleaned_data["email"],
                form.cleaned_data["role"],
            )
            assert invitation.collectivite == collectivite
        else:
            assert Invitation.objects.count() == count

    check()


@pytest.mark.django_db
def test_another_collectivite_cannot_be_reached_through_its_public_id(client, team):
    other = team["other_collectivite"]
    client.force_login(team["referent"])
    for name, data in [
        ("members", {"email": "x@exemple.localhost", "role": "referent"}),
        ("diagnostic_create", {"title": "Intrus", "year": "2030"}),
    ]:
        assert client.post(reverse(name, args=[other.public_id]), data).status_code == 404
    assert not Invitation.objects.filter(collectivite=other).exists()
    assert not Diagnostic.objects.filter(title="Intrus").exists()


@pytest.mark.django_db
def test_creating_a_diagnostic_takes_a_valid_title_only(client, team):
    collectivite = team["diagnostic"].collectivite
    client.force_login(team["referent"])
    url = reverse("diagnostic_create", args=[collectivite.public_id])

    @EXAMPLES
    @given(title=st.one_of(hostile, marked))
    def check(title):
        count = Diagnostic.objects.count()
        # A year of its own for each example: one diagnostic per year.
        fields = {"title": title, "year": str(2000 + count)}
        response = client.post(url, fields)
        form = DiagnosticCreateForm(as_posted(fields))
        assert response.status_code == (302 if form.is_valid() else 400)
        if form.is_valid():
            created = Diagnostic.objects.latest("pk")
            assert Diagnostic.objects.count() == count + 1
            assert created.title == form.cleaned_data["title"]
            assert_escaped(client.get(response.url))
            assert_escaped(client.get(reverse("dashboard")))
        else:
            assert Diagnostic.objects.count() == count

    check()


@pytest.mark.django_db
def test_login_never_fails_on_hostile_input(client, db):
    user = UserFactory()

    @EXAMPLES
    @given(
        username=st.one_of(st.just(user.email), hostile),
        password=hostile,
        agent=st.one_of(st.just("Mozilla/5.0"), st.sampled_from(["x" * 100_000, "\x00", ""])),
    )
    def check(username, password, agent):
        response = client.post(
            reverse("login"), {"username": username, "password": password}, HTTP_USER_AGENT=agent
        )
        if "\x00" in agent:
            assert response.status_code == 400
        else:
            assert response.status_code in {200, 429}
        event(f"status {response.status_code}")
        assert_escaped(response)
        assert "_auth_user_id" not in client.session

    check()


@pytest.mark.django_db
def test_login_and_password_reset_survive_bytes_that_are_not_utf8(client, db):
    UserFactory()

    @EXAMPLES
    @given(first=raw_bytes, second=raw_bytes)
    def check(first, second):
        login = raw_post(client, reverse("login"), {"username": first, "password": second})
        assert login.status_code in {200, 429}
        reset = raw_post(client, reverse("password_reset"), {"email": first})
        assert reset.status_code in {200, 302}

    check()


@pytest.mark.django_db
def test_password_reset_never_fails_and_writes_only_to_real_accounts(client, db, mailoutbox):
    user = UserFactory()

    @EXAMPLES
    @given(email=st.one_of(st.just(user.email), st.emails().map(str), hostile))
    def check(email):
        sent = len(mailoutbox)
        response = client.post(reverse("password_reset"), {"email": email})
        assert response.status_code in {200, 302}
        event(f"status {response.status_code}")
        assert_escaped(response)
        for message in mailoutbox[sent:]:
            assert message.to == [user.email]

    check()


@pytest.mark.django_db
def test_a_nul_byte_in_a_header_is_refused_before_anything_is_stored(client):
    user = UserFactory()
    for headers in [{"HTTP_USER_AGENT": "Mozilla\x00"}, {"HTTP_ACCEPT": "text/html\x00"}]:
        for password in ["mauvais", "mot-de-passe-de-test"]:
            response = client.post(
                reverse("login"), {"username": user.email, "password": password}, **headers
            )
            assert response.status_code == 400
            assert "Requête invalide" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    assert client.get(reverse("home"), HTTP_USER_AGENT="\x00").status_code == 400
