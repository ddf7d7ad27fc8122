"""Identity numbers and phones: validated, then only a keyed hash and a masked form are stored."""

import pytest
from django.db import connection

from shanhai.core.errors import ShanhaiError
from shanhai.people.models import Person
from shanhai.people.services import person_find_by_id_number, person_set_identity

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"  # a checksum-valid sample number
PHONE = "13812345678"


def test_clear_values_never_reach_the_database() -> None:
    person = Person(name="李明")
    person_set_identity(person, id_number=ID.lower(), phone="+86 138-1234-5678")
    person.save()
    person.name = "李明明"
    person.save()  # and a history row
    assert person.id_number_masked == "110105********002X"
    assert person.phone_masked == "138****5678"
    with connection.cursor() as cursor:
        for table in ("people_person", "people_historicalperson"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump = repr(cursor.fetchall())
            assert ID not in dump and ID.lower() not in dump and PHONE not in dump
    assert person_find_by_id_number(ID) == person


@pytest.mark.parametrize(("field", "value", "message"), [
    ("id_number", "110105194912310021", "校验位不正确"),
    ("id_number", "12345", "应为18位"),
    ("phone", "2381234567", "以1开头的11位数字"),
])
def test_malformed_values_are_refused_in_chinese(field: str, value: str, message: str) -> None:
    with pytest.raises(ShanhaiError) as exc:
        person_set_identity(Person(name="王"), **{field: value})
    assert message in exc.value.message
