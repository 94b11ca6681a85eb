"""Pictures drawn from people's text: names and titles are text, never mathematics."""

from __future__ import annotations

from bot.charts import ChartLabels, certificate, weekly_chart

PNG = b"\x89PNG\r\n\x1a\n"
TRICKY = "Анна $\\frac{$ <b>Тест</b> 🙂 " + "я" * 120  # "$…$" would be parsed as mathtext and fail


def test_a_certificate_for_any_name() -> None:
    assert certificate(["Благодарность", TRICKY, "за наставничество", "«Программа $x$»"]).startswith(PNG)


def test_a_chart_for_any_title_and_for_weeks_without_ratings() -> None:
    labels = ChartLabels(f"{TRICKY}: встречи", "Встреч", "Польза", "Неделя")
    assert weekly_chart([1, 2, 3], [2, 0, 5], [7.5, None, 3.0], labels).startswith(PNG)
