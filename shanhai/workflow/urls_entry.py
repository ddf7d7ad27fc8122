"""Data entry (issue 9): a report's grid and records, a plan, and the history of one pairing's year."""

from django.urls import URLPattern, path

from shanhai.workflow import views_entry as v

urlpatterns: list[URLPattern] = [
    path("pairings/<int:pairing_id>/<int:year>/report/", v.entry, name="entry"),
    path("pairings/<int:pairing_id>/<int:year>/report/records/<slug:kind>/", v.record_save, name="record_save"),
    path("pairings/<int:pairing_id>/<int:year>/report/records/<slug:kind>/<int:record_id>/", v.record_save,
         name="record_save"),
    path("pairings/<int:pairing_id>/<int:year>/report/records/<slug:kind>/<int:record_id>/delete/",
         v.record_delete, name="record_delete"),
    path("pairings/<int:pairing_id>/<int:year>/plan/", v.plan, name="plan"),
    path("pairings/<int:pairing_id>/<int:year>/history/", v.history, name="history"),
]
