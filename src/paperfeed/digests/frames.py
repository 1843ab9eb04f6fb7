"""Templates rendered once and filled many times.

A digest run renders thousands of mails from the same few templates. Rendering a template per
mail costs milliseconds; instead each template is rendered once with a marker in every slot that
varies, split at the markers, and then filled by joining strings. Values are escaped for HTML
frames by the caller (``fill_escaped``) or passed through as already safe markup (``fill``).
"""

from __future__ import annotations

import re

from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import mark_safe

_MARK = re.compile(r"\x00(\w+)\x00")


class Frame:
    def __init__(self, template_name: str, slots: tuple[str, ...], constants: dict | None = None) -> None:
        context = dict(constants or {})
        context.update({slot: mark_safe(f"\x00{slot}\x00") for slot in slots})  # noqa: S308 - our marker
        rendered = get_template(template_name).render(context)
        self.parts = _MARK.split(rendered)
        self.html = template_name.endswith(".html")
        unknown = set(self.parts[1::2]) - set(slots)
        if unknown:
            raise ValueError(f"{template_name}: unexpected slots {sorted(unknown)}")

    def fill(self, values: dict[str, str]) -> str:
        """Fill the slots with values that are already markup (or plain text for text frames)."""
        parts = self.parts
        out = [parts[0]]
        for index in range(1, len(parts), 2):
            out.append(values[parts[index]])
            out.append(parts[index + 1])
        return "".join(out)

    def fill_escaped(self, values: dict[str, str]) -> str:
        """Fill the slots with plain text, escaped if this is an HTML frame."""
        if self.html:
            values = {key: escape(value) for key, value in values.items()}
        return self.fill(values)
