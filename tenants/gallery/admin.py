"""The gallery in a venue's admin. Every write goes through the services (status machine, consignment
periods, amounts, outbox); rows the services own (history, holds, sales, statements) are read-only here and
change through actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hub.admin import (
    ActionsOnlyAdmin,
    ReadOnlyMixin,
    VenueModelAdmin,
    _can,
    acting_person,
    apply_each,
    venue_admin_site,
)

from . import payouts, sales, services
from .models import Artist, ArtistPayout, Artwork, ArtworkStatusChange, Consignment, Exhibition, Hold, Sale


class ReadOnlyAdmin(ReadOnlyMixin, VenueModelAdmin):
    pass


@admin.register(Artist, site=venue_admin_site)
class ArtistAdmin(VenueModelAdmin):
    list_display = ["name", "email", "person", "organisation"]
    list_select_related = ["person", "organisation"]
    search_fields = ["name", "email"]
    raw_id_fields = ["person", "organisation"]

    def save_model(self, request: HttpRequest, obj: Artist, form: Any, change: bool) -> None:
        if change:
            services.update_artist(artist=obj, changes={name: getattr(obj, name) for name in form.changed_data})
        else:
            obj.save()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # artists stay on sales and statements; erasure anonymises them


class HistoryInline(admin.TabularInline):
    model = ArtworkStatusChange
    extra = 0
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can(request, "venue.operate")  # the venue's role decides, as everywhere in its admin

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Artwork, site=venue_admin_site)
class ArtworkAdmin(VenueModelAdmin):
    list_display = ["__str__", "artist", "year", "price", "status"]
    list_filter = ["status", "artist"]
    search_fields = ["title", "artist__name", "medium"]
    readonly_fields = ["status", "status_changed_at"]
    raw_id_fields = ["edition_of"]
    inlines = [HistoryInline]
    actions = ["offer_for_sale", "withdraw", "return_to_artist"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["status", "status_changed_at"]
        fixed = ["status", "status_changed_at", "edition_of", "edition_number", "edition_size"]
        if obj.edition_of_id is not None:  # an edition takes these from its set
            fixed += sorted(services.SHARED)
        return fixed

    def save_model(self, request: HttpRequest, obj: Artwork, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            saved = services.update_artwork(artwork=obj, changes=data, actor=acting_person(request))
        else:
            saved = services.create_artwork(actor=acting_person(request), fields=data)
        obj.pk = saved.pk

    def _set(self, request: HttpRequest, rows: QuerySet[Artwork], status: str) -> None:
        apply_each(
            self, request, rows, lambda a: services.set_status(artwork=a, status=status, actor=acting_person(request))
        )

    @admin.action(description=_("Offer for sale"))
    def offer_for_sale(self, request: HttpRequest, rows: QuerySet[Artwork]) -> None:
        self._set(request, rows, Artwork.Status.AVAILABLE)

    @admin.action(description=_("Withdraw from sale"))
    def withdraw(self, request: HttpRequest, rows: QuerySet[Artwork]) -> None:
        self._set(request, rows, Artwork.Status.NOT_FOR_SALE)

    @admin.action(description=_("Return to the artist"))
    def return_to_artist(self, request: HttpRequest, rows: QuerySet[Artwork]) -> None:
        self._set(request, rows, Artwork.Status.RETURNED)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history and sales point at works; withdraw or return instead


class ConsignmentForm(forms.ModelForm):
    works = forms.ModelMultipleChoiceField(queryset=Artwork.objects.none(), label=_("works covered"))

    class Meta:
        model = Consignment
        fields = ["artist", "commission_rate", "starts_on", "ends_on", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        works = cast(forms.ModelMultipleChoiceField, self.fields["works"])
        works.queryset = Artwork.objects.filter(edition_size__isnull=True) | Artwork.objects.filter(
            edition_of__isnull=False
        )
        if self.instance.pk:
            self.fields["works"].initial = [item.artwork_id for item in self.instance.items.all()]
            self.fields["works"].disabled = True


@admin.register(Consignment, site=venue_admin_site)
class ConsignmentAdmin(VenueModelAdmin):
    form = ConsignmentForm
    list_display = ["artist", "commission_rate", "starts_on", "ends_on"]
    list_filter = ["artist"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["artist", "commission_rate", "starts_on", "notes"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Consignment, form: Any, change: bool) -> None:
        if change:
            if "ends_on" in form.changed_data:
                services.end_consignment(
                    consignment=obj, ends_on=form.cleaned_data["ends_on"], actor=acting_person(request)
                )
            return
        saved = services.consign(
            artist=obj.artist,
            commission_rate=obj.commission_rate,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            artworks=list(form.cleaned_data["works"]),
            notes=obj.notes,
        )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the service wrote the works covered

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ExhibitionForm(forms.ModelForm):
    works = forms.ModelMultipleChoiceField(
        queryset=Artwork.objects.filter(edition_size__isnull=True) | Artwork.objects.filter(edition_of__isnull=False),
        label=_("works shown"),
        required=False,
    )
    image_url = forms.URLField(label=_("image URL"), required=False, assume_scheme="https")

    class Meta:
        model = Exhibition
        fields = ["title", "starts_on", "ends_on", "text", "image_url", "is_published"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["works"].initial = [item.artwork_id for item in self.instance.items.all()]


@admin.register(Exhibition, site=venue_admin_site)
class ExhibitionAdmin(VenueModelAdmin):
    form = ExhibitionForm
    list_display = ["title", "starts_on", "ends_on", "is_published"]
    list_filter = ["is_published"]

    def save_model(self, request: HttpRequest, obj: Exhibition, form: Any, change: bool) -> None:
        chosen = {work.pk: work for work in form.cleaned_data["works"]}
        shown = [item.artwork_id for item in obj.items.all()] if change else []
        in_order = [chosen.pop(pk) for pk in shown if pk in chosen] + sorted(chosen.values(), key=str)
        services.save_exhibition(exhibition=obj, artworks=in_order)  # the order set elsewhere is kept

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the catalogue must hear of it: unpublish instead

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass


@admin.register(Hold, site=venue_admin_site)
class HoldAdmin(ActionsOnlyAdmin):
    """Holds are placed through the API (or the demo); here staff see them and release them."""

    list_display = ["artwork", "buyer_label", "expires_at", "status"]
    list_select_related = ["artwork", "buyer_person", "buyer_organisation"]
    list_filter = ["status"]
    actions = ["release"]

    @admin.action(description=_("Release the hold"))
    def release(self, request: HttpRequest, rows: QuerySet[Hold]) -> None:
        apply_each(self, request, rows, lambda h: sales.release_hold(hold=h, actor=acting_person(request)))


@admin.register(Sale, site=venue_admin_site)
class SaleAdmin(ActionsOnlyAdmin):
    list_display = ["artwork", "buyer_label", "price", "vat_regime", "author_due", "status", "sold_at"]
    list_select_related = ["artwork", "buyer_person", "buyer_organisation"]
    list_filter = ["status", "vat_regime", "payment_method", "resale_right_applies"]
    search_fields = ["artwork__title", "buyer_name", "buyer_email"]
    actions = ["cancel"]

    @admin.action(description=_("Cancel or refund the sale"))
    def cancel(self, request: HttpRequest, rows: QuerySet[Sale]) -> None:
        apply_each(self, request, rows, lambda s: sales.cancel_sale(sale=s, actor=acting_person(request)))


@admin.register(ArtistPayout, site=venue_admin_site)
class ArtistPayoutAdmin(ActionsOnlyAdmin):
    list_display = ["artist", "period_start", "period_end", "sales_count", "net_due", "contribution", "status"]
    list_select_related = ["artist"]
    list_filter = ["status", "artist"]
    actions = ["mark_paid"]

    @admin.action(description=_("Mark paid"))
    def mark_paid(self, request: HttpRequest, rows: QuerySet[ArtistPayout]) -> None:
        if not _can(request, "venue.manage"):
            self.message_user(request, _("Only a manager marks a statement paid."), messages.ERROR)
            return
        apply_each(self, request, rows, lambda p: payouts.mark_paid(payout=p, actor=acting_person(request)))
