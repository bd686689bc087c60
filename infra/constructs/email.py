"""SES: the sending domain identity (DKIM) and a configuration set that drops bounced addresses and
publishes each message's fate (sent, delivered, bounced, complained) as CloudWatch metrics."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ses as ses
from constructs import Construct

# SES's own tag on every message sent through a configuration set: its name.
METRIC_DIMENSION = "ses:configuration-set"
METRIC_EVENTS = (
    ses.EmailSendingEvent.SEND,
    ses.EmailSendingEvent.DELIVERY,
    ses.EmailSendingEvent.BOUNCE,
    ses.EmailSendingEvent.COMPLAINT,
    ses.EmailSendingEvent.REJECT,
)


class Email(Construct):
    """The domain is verified by publishing the DKIM records printed as stack outputs."""

    def __init__(self, scope: Construct, construct_id: str, *, domain: str, mail_from: str) -> None:
        super().__init__(scope, construct_id)
        self.mail_from = mail_from
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            reputation_metrics=True,
            # Email codes must not travel in clear between SES and the recipient's server.
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        # Metrics AWS/SES {Send, Delivery, Bounce, Complaint, Reject} with this dimension, whose value
        # is the configuration set's name (SES tags every message with it): monitoring alarms on them.
        self.configuration_set.add_event_destination(
            "CloudWatch",
            destination=ses.EventDestination.cloud_watch_dimensions(
                [
                    ses.CloudWatchDimension(
                        name=METRIC_DIMENSION,
                        source=ses.CloudWatchDimensionSource.MESSAGE_TAG,
                        default_value="none",
                    )
                ]
            ),
            events=list(METRIC_EVENTS),
        )
        self.identity = ses.EmailIdentity(
            self,
            "Identity",
            identity=ses.Identity.domain(domain),
            configuration_set=self.configuration_set,
        )
        for number, (name, value) in enumerate(
            (
                (self.identity.dkim_dns_token_name1, self.identity.dkim_dns_token_value1),
                (self.identity.dkim_dns_token_name2, self.identity.dkim_dns_token_value2),
                (self.identity.dkim_dns_token_name3, self.identity.dkim_dns_token_value3),
            ),
            start=1,
        ):
            CfnOutput(self, f"DkimRecord{number}", value=f"{name} CNAME {value}", description="DNS record for SES DKIM")

    @property
    def configuration_set_name(self) -> str:
        return self.configuration_set.configuration_set_name

    def metric(self, event: str, period: Duration) -> cloudwatch.Metric:
        """The count of `event` (Send, Delivery, Bounce, Complaint, Reject) for this configuration set."""
        return cloudwatch.Metric(
            namespace="AWS/SES",
            metric_name=event,
            dimensions_map={METRIC_DIMENSION: self.configuration_set_name},
            statistic="Sum",
            period=period,
        )

    def grant_send(self, grantee: iam.IGrantable) -> None:
        """SendEmail from the configured address only, through this identity and configuration set.

        Written out rather than `identity.grant_send_email`: SES also authorizes the request against
        the configuration set it names, which that grant does not cover, and the condition pins the
        sender so a compromised function cannot send as any other address of the domain.
        """
        stack = Stack.of(self)
        configuration_set_arn = stack.format_arn(
            service="ses", resource="configuration-set", resource_name=self.configuration_set_name
        )
        grantee.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(
                # shoken.mail sends with SendEmail only; SendRawEmail (attachments) is not granted.
                actions=["ses:SendEmail"],
                resources=[self.identity.email_identity_arn, configuration_set_arn],
                conditions={"StringEquals": {"ses:FromAddress": self.mail_from}},
            )
        )
