"""Model fields of the accounts service."""

from django_countries import fields


class CountryField(fields.CountryField):
    """
    django-countries' field, whose check of a valid code is one dictionary
    lookup: Django's own check walks every choice (about 250 countries,
    their names translated and sorted), 0.6 ms for each address checked,
    a tenth of starting a checkout. A code not in the list goes Django's way
    and is refused as before. Migrations see django-countries' field.
    """

    def validate(self, value, model_instance):
        valid = isinstance(value, str) and value and value in self.countries
        if valid and not self.multiple and self.editable:
            return
        super().validate(value, model_instance)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django_countries.fields.CountryField", args, kwargs
