"""What people trying the bot found broken or confusing, each checked through the real bot."""

from __future__ import annotations

from sandbox.client import SandboxClient
from tests.conftest import MakeCurator, Running
from tests.e2e import flows


async def test_the_consent_list_speaks_of_the_childs_profile_not_a_questionnaire(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """A curator read «нажмите кнопку под анкетой» while the card under it is the child's
    profile (a questionnaire is what the programme asks later): now the button and the
    profile are named."""
    curator = await make_curator()
    card = await flows.create_programme(curator)
    links = await flows.invite_links(curator, card)
    kid = await client.person("Ева")
    await flows.register_mentee(kid, links["mentee"], "Ева Смирнова", minor_age=13)
    await flows.send_summary(kid)
    await curator.expect("Новая заявка: Ева Смирнова")
    await curator.press(card, "Согласия родителей")
    head = await curator.expect("Ждут согласия родителей")
    assert "анкет" not in head["text"], head["text"]
    assert "«Согласие родителя получено» под профилем ребёнка" in head["text"]
    child = await curator.expect("Ева Смирнова", "Ждём согласие родителя")
    await curator.press(child, "Согласие родителя получено")  # the button the head names is there
