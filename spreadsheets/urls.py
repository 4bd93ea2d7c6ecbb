from django.urls import path

from spreadsheets import views as import_views

urlpatterns = [
    path("c/<slug:slug>/imports/", import_views.imports, name="imports"),
    path("c/<slug:slug>/imports/<str:token>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("c/<slug:slug>/imports/<str:token>/cancel/", import_views.import_cancel_view, name="import_cancel"),
    path(
        "c/<slug:slug>/imports/template/<str:resource>.xlsx",
        import_views.import_template,
        name="import_template",
    ),
    path("c/<slug:slug>/exports/<str:resource>.<str:fmt>", import_views.export, name="export"),
]
