"""The sign-in from a tracked device, sent as AWS's boto3 code example sends
it (python/example_code/cognito in awsdocs/aws-doc-sdk-examples, "sign up a
user with MFA"): USER_PASSWORD_AUTH with the DEVICE_KEY, then DEVICE_SRP_AUTH
and DEVICE_PASSWORD_VERIFIER answered with no Session. The SRP maths is this
suite's own (cognito_srp.py); the server is a real Cognate process.

Run: COGNATE_BIN=/path/to/cognate python3 -m unittest discover -s e2e/python -v
"""

import base64
import itertools
import json
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import cognate_server
import cognito_srp

PASSWORD = "Corr3ct-Horse!"
DEVICE_PASSWORD = "a-random-device-password-Zq8"
_seq = itertools.count(1)


def claims(jwt):
    body = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


class TrackedDeviceSignIn(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cognate_server.Server()
        cls.idp = boto3.client(
            "cognito-idp",
            endpoint_url=cls.server.url,
            region_name=cognate_server.REGION,
            aws_access_key_id=cognate_server.ACCESS_KEY_ID,
            aws_secret_access_key=cognate_server.SECRET_ACCESS_KEY,
            config=Config(retries={"max_attempts": 1}),
        )
        # Every RespondToAuthChallenge request as boto3 is about to send it.
        cls.sent = []
        cls.idp.meta.events.register(
            "before-call.cognito-idp.RespondToAuthChallenge",
            lambda params, **_: cls.sent.append(json.loads(params["body"] or b"{}")),
        )
        pool = cls.idp.create_user_pool(
            PoolName="python-tracked-device",
            AutoVerifiedAttributes=["email"],
            DeviceConfiguration={"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False},
        )
        cls.pool_id = pool["UserPool"]["Id"]
        cls.idp.set_user_pool_mfa_config(
            UserPoolId=cls.pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
        )
        client = cls.idp.create_user_pool_client(
            UserPoolId=cls.pool_id,
            ClientName="python-example",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )
        cls.client_id = client["UserPoolClient"]["ClientId"]

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def error_code(self, call, *args, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(*args, **kwargs)
        return cm.exception.response["Error"]["Code"], cm.exception.response["Error"]["Message"]

    def user_with_device(self):
        """Signs a user up, sets up the authenticator as the scenario does,
        and confirms the device of that sign-in; returns name and device."""
        name = "pyuser%d" % next(_seq)
        self.idp.sign_up(
            ClientId=self.client_id, Username=name, Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": name + "@example.com"}],
        )
        codes = [m["code"] for m in self.server.outbox(self.pool_id, name) if m["purpose"] == "signup"]
        self.assertTrue(codes, "no sign-up code in the outbox")
        self.idp.confirm_sign_up(ClientId=self.client_id, Username=name, ConfirmationCode=codes[-1])

        start = self.idp.initiate_auth(
            ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
        )
        self.assertEqual(start["ChallengeName"], "MFA_SETUP")
        assoc = self.idp.associate_software_token(Session=start["Session"])
        ver = self.idp.verify_software_token(
            Session=assoc["Session"], UserCode=cognito_srp.totp(assoc["SecretCode"]), FriendlyDeviceName="phone"
        )
        self.assertEqual(ver["Status"], "SUCCESS")
        done = self.idp.respond_to_auth_challenge(
            ClientId=self.client_id, ChallengeName="MFA_SETUP", Session=ver["Session"],
            ChallengeResponses={"USERNAME": name},
        )
        meta = done["AuthenticationResult"]["NewDeviceMetadata"]
        device = {"key": meta["DeviceKey"], "group": meta["DeviceGroupKey"], "password": DEVICE_PASSWORD}
        confirmed = self.idp.confirm_device(
            AccessToken=done["AuthenticationResult"]["AccessToken"], DeviceKey=device["key"],
            DeviceSecretVerifierConfig=cognito_srp.device_verifier(device["group"], device["key"], device["password"]),
            DeviceName="python",
        )
        self.assertFalse(confirmed["UserConfirmationNecessary"])
        return name, device

    def password_step(self, name, device):
        out = self.idp.initiate_auth(
            ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD, "DEVICE_KEY": device["key"]},
        )
        self.assertEqual(out["ChallengeName"], "DEVICE_SRP_AUTH")

    def device_srp(self, name, device):
        exchange = cognito_srp.Exchange()
        out = self.idp.respond_to_auth_challenge(
            ClientId=self.client_id, ChallengeName="DEVICE_SRP_AUTH",
            ChallengeResponses={"USERNAME": name, "SRP_A": exchange.srp_a, "DEVICE_KEY": device["key"]},
        )
        self.assertEqual(out["ChallengeName"], "DEVICE_PASSWORD_VERIFIER")
        return exchange, out["ChallengeParameters"]

    def device_verifier(self, name, device, exchange, params, device_password=None):
        answer = exchange.claim(
            device["group"], device["key"], device_password or device["password"],
            params["SALT"], params["SRP_B"], params["SECRET_BLOCK"],
        )
        answer.update(USERNAME=name, DEVICE_KEY=device["key"])
        return self.idp.respond_to_auth_challenge(
            ClientId=self.client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER", ChallengeResponses=answer,
        )

    def test_sign_in_with_tracked_device(self):
        name, device = self.user_with_device()
        del self.sent[:]
        self.password_step(name, device)
        exchange, params = self.device_srp(name, device)
        self.assertEqual(params["DEVICE_KEY"], device["key"])
        out = self.device_verifier(name, device, exchange, params)
        tokens = out["AuthenticationResult"]
        self.assertEqual(claims(tokens["AccessToken"])["device_key"], device["key"])
        self.assertEqual(claims(tokens["IdToken"])["cognito:username"], name)
        # As the example: neither device step carried a Session.
        self.assertEqual([r["ChallengeName"] for r in self.sent], ["DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"])
        for r in self.sent:
            self.assertNotIn("Session", r)
        # The tokens work.
        user = self.idp.get_user(AccessToken=tokens["AccessToken"])
        self.assertEqual(user["Username"], name)

    def test_device_secret_alone_gets_nothing(self):
        name, device = self.user_with_device()
        code, msg = self.error_code(self.device_srp, name, device)
        self.assertEqual((code, msg), ("NotAuthorizedException", "Invalid session for the user."))

    def test_password_step_is_continued_once(self):
        name, device = self.user_with_device()
        self.password_step(name, device)
        exchange, params = self.device_srp(name, device)
        code, _ = self.error_code(self.device_srp, name, device)
        self.assertEqual(code, "NotAuthorizedException")
        self.device_verifier(name, device, exchange, params)
        code, _ = self.error_code(self.device_verifier, name, device, exchange, params)
        self.assertEqual(code, "NotAuthorizedException")

    def test_wrong_device_password(self):
        name, device = self.user_with_device()
        self.password_step(name, device)
        exchange, params = self.device_srp(name, device)
        code, msg = self.error_code(self.device_verifier, name, device, exchange, params, "not-the-device-password")
        self.assertEqual((code, msg), ("NotAuthorizedException", "Incorrect username or password."))


if __name__ == "__main__":
    unittest.main()
