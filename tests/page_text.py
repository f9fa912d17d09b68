"""The text of a page as a person reads it, for assertions on sentences."""

import re
from html import unescape


def page_text(response):
    """The words of the page: tags taken out, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())
