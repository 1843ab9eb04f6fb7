from oauth2_provider.oauth2_validators import OAuth2Validator


class LabValidator(OAuth2Validator):
    """Sends the person's address and name, as a lab's identity provider does."""

    oidc_claim_scope = None  # every claim, whatever the scope

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "preferred_username": user.username,
            "name": f"{user.first_name} {user.last_name}".strip(),
        }
