"""Reading the public web forms' pages in tests: the error shown next to a field, all field errors, the error
summary and the receipt's access code (the markup of casework/templates/public/)."""

import html as htmllib
import re


def error_of(response, field: str) -> str:
    """The error text shown next to ``field`` (its <p id=id_<field>_error>), unescaped; "" when there is none."""
    match = re.search(rf'<p class="field-error" id="id_{field}_error"\s*>(.*?)</p>', response.content.decode(), re.S)
    return htmllib.unescape(match.group(1).strip()) if match else ""


def errors(response) -> dict[str, str]:
    """Every field error on the page: {field name: text}."""
    found = re.findall(r'class="field-error" id="id_(\w+)_error"\s*>([^<]+)<', response.content.decode())
    return {name: htmllib.unescape(message) for name, message in found}


def summary(response) -> str:
    """The text of the error summary at the top of the form; "" when there is none."""
    match = re.search(r'id="error-summary"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def receipt(client, response) -> tuple[str, str]:
    """Follow a filing's redirect to its receipt page: (the page's HTML, the access code shown once)."""
    html = client.get(response["Location"]).content.decode()
    return html, re.search(r'id="access-code-value">([^<]+)<', html).group(1)
