"""Writes for people: identity numbers and phones go in here and come out only as hash + mask."""

from shanhai.core.privacy import keyed_hash, mask_id_number, mask_phone, normalise_id_number, normalise_phone
from shanhai.people.models import Person


def person_set_identity(person: Person, *, id_number: str | None = None, phone: str | None = None) -> None:
    """Set (not save) the hashed and masked identity fields; raises ShanhaiError on a malformed value."""
    if id_number:
        value = normalise_id_number(id_number)
        person.id_number_hash = keyed_hash("id", value)
        person.id_number_masked = mask_id_number(value)
    if phone:
        value = normalise_phone(phone)
        person.phone_hash = keyed_hash("phone", value)
        person.phone_masked = mask_phone(value)


def person_find_by_id_number(id_number: str) -> Person | None:
    return Person.objects.filter(id_number_hash=keyed_hash("id", normalise_id_number(id_number))).first()
