from django.urls import path

from shanhai.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.index, name="index"),
    path("market/", views.market, name="market"),
    path("needs/new/", views.listing_edit, {"side": "need"}, name="need_new"),
    path("offers/new/", views.listing_edit, {"side": "offer"}, name="offer_new"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("offers/<int:pk>/", views.offer_detail, name="offer"),
    path("needs/<int:pk>/edit/", views.listing_edit, {"side": "need"}, name="need_edit"),
    path("offers/<int:pk>/edit/", views.listing_edit, {"side": "offer"}, name="offer_edit"),
    path("needs/<int:pk>/withdraw/", views.listing_withdraw, {"side": "need"}, name="need_withdraw"),
    path("offers/<int:pk>/withdraw/", views.listing_withdraw, {"side": "offer"}, name="offer_withdraw"),
    path("needs/<int:pk>/propose/<int:offer>/", views.propose, name="propose"),
    path("matches/<int:pk>/decide/", views.decide, name="decide"),
    path("assign/", views.assign, name="assign"),
    path("partners/", views.partners, name="partners"),
]
