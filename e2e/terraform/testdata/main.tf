# Every aws_cognito_* resource and data source of hashicorp/aws 5.100.0 that
# Cognate serves, pointed at a local Cognate. The test applies it with
# stage=1, plans again (no changes), applies stage=2 (updates in place),
# imports everything it created and destroys it.
# aws_cognito_identity_pool* belong to Cognito identity pools, another
# service. TestTerraform checks that nothing else of the provider's is left
# out.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" { type = string }
variable "access_key" { type = string }
variable "secret_key" { type = string }
variable "stage" {
  type    = number
  default = 1
}

locals {
  v = var.stage == 1 ? "one" : "two"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.access_key
  secret_key                  = var.secret_key
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    cognitoidp = var.endpoint
  }
}

resource "aws_cognito_user_pool" "pool" {
  name                       = "tf-pool"
  auto_verified_attributes   = ["email"]
  username_attributes        = ["email"]
  email_verification_subject = "Your code (${local.v})"

  password_policy {
    minimum_length                   = var.stage == 1 ? 10 : 12
    require_lowercase                = true
    require_numbers                  = true
    require_symbols                  = false
    require_uppercase                = true
    temporary_password_validity_days = 7
  }

  schema {
    name                = "department"
    attribute_data_type = "String"
    mutable             = true
    string_attribute_constraints {
      min_length = 1
      max_length = 64
    }
  }

  # Threat protection, which a risk configuration needs.
  user_pool_add_ons {
    advanced_security_mode = "AUDIT"
  }

  # Stage 2 adds a custom attribute to the existing pool (AddCustomAttributes).
  dynamic "schema" {
    for_each = var.stage == 1 ? [] : ["team"]
    content {
      name                = schema.value
      attribute_data_type = "String"
      mutable             = true
      string_attribute_constraints {
        min_length = 0
        max_length = 32
      }
    }
  }

  tags = {
    env = local.v
  }
}

resource "aws_cognito_user_pool_ui_customization" "pool_wide" {
  user_pool_id = aws_cognito_user_pool.pool.id
  css          = ".banner-customizable { background-color: ${var.stage == 1 ? "#123456" : "#654321"}; }"
  depends_on   = [aws_cognito_user_pool_domain.domain]
}

resource "aws_cognito_user_pool_ui_customization" "public" {
  user_pool_id = aws_cognito_user_pool.pool.id
  client_id    = aws_cognito_user_pool_client.public.id
  css          = ".label-customizable { font-weight: ${var.stage == 1 ? 400 : 700}; }"
  depends_on   = [aws_cognito_user_pool_domain.domain]
}

resource "aws_cognito_risk_configuration" "pool_wide" {
  user_pool_id = aws_cognito_user_pool.pool.id
  compromised_credentials_risk_configuration {
    actions {
      event_action = var.stage == 1 ? "BLOCK" : "NO_ACTION"
    }
  }
  risk_exception_configuration {
    blocked_ip_range_list = var.stage == 1 ? ["192.0.2.0/24"] : ["192.0.2.0/24", "198.51.100.7/32"]
  }
}

resource "aws_cognito_risk_configuration" "web" {
  user_pool_id = aws_cognito_user_pool.pool.id
  client_id    = aws_cognito_user_pool_client.web.id
  account_takeover_risk_configuration {
    notify_configuration {
      source_arn = "arn:aws:ses:us-east-1:000000000000:identity/example.com"
      from       = "security@example.com"
      block_email {
        subject   = "Blocked sign-in"
        html_body = "<p>We blocked a sign-in.</p>"
        text_body = "We blocked a sign-in."
      }
    }
    actions {
      high_action {
        event_action = "BLOCK"
        notify       = true
      }
      medium_action {
        event_action = var.stage == 1 ? "MFA_IF_CONFIGURED" : "MFA_REQUIRED"
        notify       = false
      }
    }
  }
}

data "aws_cognito_user_pool_signing_certificate" "cert" {
  user_pool_id = aws_cognito_user_pool.pool.id
}

# An OIDC identity provider. provider_details and attribute_mapping hold
# what Cognito adds of its own (attributes_url_add_attributes, the
# username mapping), as a configuration for Cognito must to plan clean.
resource "aws_cognito_identity_provider" "corp" {
  user_pool_id  = aws_cognito_user_pool.pool.id
  provider_name = "Corp"
  provider_type = "OIDC"
  provider_details = {
    client_id                     = "corp-client"
    client_secret                 = "corp-secret-${local.v}"
    authorize_scopes              = "openid email"
    attributes_request_method     = "GET"
    oidc_issuer                   = "https://issuer.example.com"
    attributes_url_add_attributes = "false"
  }
  attribute_mapping = {
    email    = "email"
    username = "sub"
  }
  idp_identifiers = ["corp-${local.v}"]
}

resource "aws_cognito_resource_server" "api" {
  identifier = "https://api.example.com"
  # The provider replaces a resource server whose name changes; its scopes
  # are updated in place.
  name         = "api"
  user_pool_id = aws_cognito_user_pool.pool.id

  scope {
    scope_name        = "read"
    scope_description = "read ${local.v}"
  }
}

# A public client with nothing but names and flows: the provider must read
# back exactly what it sent (no token_validity_units it did not set).
resource "aws_cognito_user_pool_client" "public" {
  name                = "tf-public-${local.v}"
  user_pool_id        = aws_cognito_user_pool.pool.id
  explicit_auth_flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
}

# A confidential OAuth client with token validity units.
resource "aws_cognito_user_pool_client" "web" {
  name                                 = "tf-web"
  user_pool_id                         = aws_cognito_user_pool.pool.id
  generate_secret                      = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_scopes                 = ["openid", "email", "${aws_cognito_resource_server.api.identifier}/read"]
  callback_urls                        = ["https://app.example.com/callback"]
  supported_identity_providers         = ["COGNITO"]
  access_token_validity                = var.stage == 1 ? 90 : 120
  # Not the default units: the provider imports default units as no block.
  token_validity_units {
    access_token = "minutes"
  }
  # Cognito's answers carry the secret, not whether one was asked for: the
  # provider cannot import generate_secret.
  lifecycle {
    ignore_changes = [generate_secret]
  }
}

# The client a managed service would have made, which the managed client
# resource then adopts by its name prefix.
resource "aws_cognito_user_pool_client" "service_made" {
  name         = "AmazonOpenSearchService-made"
  user_pool_id = aws_cognito_user_pool.pool.id
  lifecycle {
    ignore_changes = all
  }
}

resource "aws_cognito_managed_user_pool_client" "managed" {
  name_prefix   = "AmazonOpenSearchService-"
  user_pool_id  = aws_cognito_user_pool.pool.id
  callback_urls = ["https://search.example.com/${local.v}"]
  depends_on    = [aws_cognito_user_pool_client.service_made]
  # How the client was found is not in Cognito: the provider cannot import
  # name_prefix.
  lifecycle {
    ignore_changes = [name_prefix]
  }
}

resource "aws_cognito_user_pool_domain" "domain" {
  domain       = "tf-cognate-test"
  user_pool_id = aws_cognito_user_pool.pool.id
}

resource "aws_cognito_user" "alice" {
  user_pool_id = aws_cognito_user_pool.pool.id
  username     = "alice@example.com"
  attributes = {
    email          = "alice@example.com"
    email_verified = true
    department     = local.v
  }
}

resource "aws_cognito_user_group" "admins" {
  name         = "admins"
  user_pool_id = aws_cognito_user_pool.pool.id
  description  = "group ${local.v}"
  precedence   = var.stage
}

resource "aws_cognito_user_in_group" "alice_admin" {
  user_pool_id = aws_cognito_user_pool.pool.id
  group_name   = aws_cognito_user_group.admins.name
  username     = aws_cognito_user.alice.username
}

data "aws_cognito_user_pools" "by_name" {
  name       = aws_cognito_user_pool.pool.name
  depends_on = [aws_cognito_user_pool.pool]
}

data "aws_cognito_user_pool" "pool" {
  user_pool_id = aws_cognito_user_pool.pool.id
}

data "aws_cognito_user_pool_clients" "all" {
  user_pool_id = aws_cognito_user_pool.pool.id
  depends_on   = [aws_cognito_user_pool_client.public, aws_cognito_user_pool_client.web, aws_cognito_managed_user_pool_client.managed]
}

data "aws_cognito_user_pool_client" "public" {
  user_pool_id = aws_cognito_user_pool.pool.id
  client_id    = aws_cognito_user_pool_client.public.id
}

data "aws_cognito_user_group" "admins" {
  user_pool_id = aws_cognito_user_pool.pool.id
  name         = aws_cognito_user_group.admins.name
}

data "aws_cognito_user_groups" "all" {
  user_pool_id = aws_cognito_user_pool.pool.id
  depends_on   = [aws_cognito_user_group.admins]
}

output "pool_id" { value = aws_cognito_user_pool.pool.id }
output "signing_certificate" { value = data.aws_cognito_user_pool_signing_certificate.cert.certificate }
output "pool_arn" { value = aws_cognito_user_pool.pool.arn }
output "pools_by_name" { value = data.aws_cognito_user_pools.by_name.ids }
output "pools_by_name_arns" { value = data.aws_cognito_user_pools.by_name.arns }
output "pool_data_arn" { value = data.aws_cognito_user_pool.pool.arn }
output "client_names" { value = sort(data.aws_cognito_user_pool_clients.all.client_names) }
output "public_client_name" { value = data.aws_cognito_user_pool_client.public.name }
output "group_description" { value = data.aws_cognito_user_group.admins.description }
output "group_names" { value = [for g in data.aws_cognito_user_groups.all.groups : g.group_name] }
