from django import forms
from django.contrib.auth import password_validation

from accounts.serializers import RegisterSerializer
from web.forms import SerializerForm


class RegisterForm(SerializerForm):
    serializer_class = RegisterSerializer

    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validation.password_validators_help_texts()),
    )
