"""Filter conventions every API list shares."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import filters

TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error naming the parameter, where
    django-filter's own boolean would quietly ignore it."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).strip().lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise forms.ValidationError(f"Use true or false, not {str(value)[:20]!r}.")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A BooleanFilter (a boolean in the schema) that answers 400 to a value it cannot read."""

    field_class = StrictBooleanField


class CappedSearchFilter(filters.SearchFilter):
    """DRF's SearchFilter under the one cap on search terms (core.search): more than 8 words,
    or a word over 100 characters, answers 400 naming `search`."""

    def get_search_terms(self, request):
        from rest_framework.exceptions import ValidationError

        from core.search import search_terms_check

        terms = super().get_search_terms(request)
        try:
            return search_terms_check(terms, field=self.search_param)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
