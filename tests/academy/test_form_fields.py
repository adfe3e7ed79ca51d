import html5lib
import pytest
from django.urls import reverse

from tests.academy.test_accounts import registration_data


def described_by(html: str, field_id: str) -> list[str]:
    """The texts that the field's ``aria-describedby`` points at, in order."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    field = document.find(f".//*[@id='{field_id}']")
    assert field is not None, f"no #{field_id}"
    texts = []
    for target_id in field.get("aria-describedby", "").split():
        target = document.find(f".//*[@id='{target_id}']")
        assert target is not None, f"#{field_id} points at #{target_id}, which is not in the page"
        texts.append("".join(target.itertext()).strip())
    return texts


@pytest.mark.django_db
def test_the_password_rules_are_read_with_the_password_field(client):
    html = client.get(reverse("accounts:register")).content.decode()

    assert described_by(html, "id_password1") == ["至少 8 位，不能全是数字，也不能是常见密码。"]


@pytest.mark.django_db
def test_a_fields_errors_are_read_with_the_field(client, organization):
    data = registration_data(organization, password1="12345678", password2="12345678")

    html = client.post(reverse("accounts:register"), data).content.decode()

    help_text, errors = described_by(html, "id_password1")
    assert help_text.startswith("至少 8 位")
    assert "数字" in errors
