from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("stats.csv", views.stats_csv, name="stats-csv"),
    path("stats.schema.json", views.stats_schema, name="stats-schema"),
]
