from django.urls import path

from annuaire import views

app_name = "annuaire"

urlpatterns = [
    path("", views.home, name="home"),
]
