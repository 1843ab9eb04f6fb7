from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "e.g. reading-group script", "autocomplete": "off"}),
        error_messages={
            "required": "Give the token a name, so you know later what it is for.",
            "max_length": "A token name can be at most %(limit_value)d characters; "
            "this one has %(show_value)d.",
        },
    )
