"""The Lambda functions: one per route area plus the workers, with the shared and dependencies layers.

Each function gets its own role (no AWS managed policy: it may write its own log group, nothing
else until access.py grants it more) and an environment built from its shoken.config model.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy, TimeZone
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import bundling, nag, names
from infra.retention import retention
from infra.stage_config import StageConfig
from shoken.config import CONFIG_BY_FUNCTION, BaseConfig

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64


def pascal(key: str) -> str:
    return "".join(part.capitalize() for part in key.replace("_", "-").split("-"))


def environment_for(model: type[BaseConfig], values: Mapping[str, str]) -> dict[str, str]:
    """The variables `model` declares, taken from what the stack provides.

    A required variable the stack cannot provide fails the synth, so a setting added to a config
    model cannot reach AWS unset; variables the model does not declare are not passed at all.
    """
    environment: dict[str, str] = {}
    for field_name, field in model.model_fields.items():
        variable = field.alias or field_name
        if variable in values:
            environment[variable] = values[variable]
        elif field.is_required():
            raise ValueError(f"{model.__name__} requires {variable}, which the stack does not provide")
    return environment


def function_environment(
    area: str, values: Mapping[str, str], *, service: str, tracing_sdk: bool = False
) -> dict[str, str]:
    """A function's environment: its config model's variables and the runtime's settings.

    bench/payment_cpu.py starts the payments bundle with this too, so it measures the stage's settings.
    """
    return {
        **environment_for(CONFIG_BY_FUNCTION[area], values),
        # Which config model shoken.runtime builds during the init phase (clients, keys, secrets).
        "SHOKEN_FUNCTION": area,
        # pydantic otherwise scans every installed distribution for plugins when the first model
        # is built, at import: ~40 ms of each cold start (bench/imports.py), for plugins never used.
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
        "POWERTOOLS_SERVICE_NAME": service,
        "POWERTOOLS_METRICS_NAMESPACE": names.METRICS_NAMESPACE,
        "POWERTOOLS_LOG_LEVEL": "INFO",
        # Responses carry session cookies and QR tokens: keep them out of X-Ray metadata.
        "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
        # Lambda's active tracing records every invocation; the X-Ray SDK (subsegments per
        # DynamoDB call) costs ~150 ms of cold start, so a stage turns it on deliberately.
        "POWERTOOLS_TRACE_DISABLED": "false" if tracing_sdk else "true",
    }


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        environment_values: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self._values = environment_values
        self._removal = removal = RemovalPolicy.RETAIN if config.production else RemovalPolicy.DESTROY
        self.shared_layer = lambda_.LayerVersion(
            self,
            "SharedLayer",
            code=bundling.shared_code(),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="shoken shared package (layers/shared/python/shoken)",
            removal_policy=removal,
        )
        # One third-party layer per set of packages some functions import, so each function
        # carries only what it imports (infra/bundling.py reads the imports).
        self.dependency_layers: dict[tuple[str, ...], lambda_.LayerVersion] = {}
        self.by_key: dict[str, lambda_.Function] = {}
        # What API Gateway, the stream and the schedule invoke: each function's `live` alias, moved to
        # the version this deploy published. Old versions are kept, so rolling back is one
        # `aws lambda update-alias` (docs/deploy.md).
        self.aliases: dict[str, lambda_.Alias] = {}
        for spec in names.http_function_specs():
            self.by_key[spec.key] = self._function(spec)
        self._keep_payments_warm(self.aliases["payments"])
        # The workers area arrives with its own issue; until its folder exists there is nothing to run.
        if (names.FUNCTIONS_DIR / names.WORKERS).is_dir():
            for spec in names.WORKER_SPECS:
                self.by_key[spec.key] = self._function(spec)

    def _keep_payments_warm(self, alias: lambda_.Alias) -> None:
        """With `payments_warm_concurrency`, the payments `live` alias (what the API invokes) gets that
        provisioned concurrency during shop hours (Japan time) and none outside them."""
        concurrency = self._config.payments_warm_concurrency
        if not concurrency:
            return
        scaling = alias.add_auto_scaling(min_capacity=0, max_capacity=concurrency)
        opens, closes = self._config.payments_warm_hours
        # A scheduled action only moves capacity that lies outside its new [min, max]: closing with
        # min 0 but max `concurrency` would leave the warm environments running (and billed) all
        # night. So the close sets both to 0 and the opening both to `concurrency`.
        for name, hour, capacity in (("Open", opens, concurrency), ("Close", closes, 0)):
            scaling.scale_on_schedule(
                f"Payments{name}",
                schedule=appscaling.Schedule.cron(hour=str(hour), minute="0"),
                time_zone=TimeZone.ASIA_TOKYO,
                min_capacity=capacity,
                max_capacity=capacity,
            )

    def dependencies_layer(self, area: str) -> lambda_.LayerVersion:
        """The third-party layer of exactly the packages `area`'s code imports."""
        packages = bundling.needs(area).packages
        if packages not in self.dependency_layers:
            construct_id = "DependenciesLayer" + "".join(pascal(p.lower()) for p in packages)
            self.dependency_layers[packages] = lambda_.LayerVersion(
                self,
                construct_id,
                code=bundling.dependencies_code(packages, tracing_sdk=self._config.tracing_sdk),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description=f"shoken third-party packages for arm64: {', '.join(packages)}",
                removal_policy=self._removal,
            )
        return self.dependency_layers[packages]

    @property
    def http_aliases(self) -> dict[str, lambda_.Alias]:
        """The `live` alias of each HTTP function, by route area: what the API invokes."""
        return {area: self.aliases[area] for area in names.HTTP_AREAS}

    def alias(self, key: str) -> lambda_.Alias | None:
        return self.aliases.get(key)

    def get(self, key: str) -> lambda_.Function | None:
        return self.by_key.get(key)

    def _function(self, spec: names.FunctionSpec) -> lambda_.Function:
        construct_id = pascal(spec.key)
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{self._config.prefix} {spec.key} function",
        )
        log_group = logs.LogGroup(
            self,
            f"{construct_id}Logs",
            retention=retention(self._config.log_retention_days),
            removal_policy=self._removal,
        )
        log_group.grant_write(role)
        environment = function_environment(
            spec.area,
            self._values,
            service=names.service_name(self._config.city, self._config.stage, spec.key),
            tracing_sdk=self._config.tracing_sdk,
        )
        if self._config.local_endpoints is not None:
            # sam local only (a production stage cannot set it): every SDK client calls the moto server.
            environment["AWS_ENDPOINT_URL"] = self._config.local_endpoints.aws
        reserved = self._config.payments_reserved_concurrency if spec.key == "payments" else None
        function = lambda_.Function(
            self,
            construct_id,
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=bundling.function_code(spec.area),
            handler=spec.handler,
            layers=[self.shared_layer, self.dependencies_layer(spec.area)],
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_seconds),
            tracing=lambda_.Tracing.ACTIVE,
            role=role,
            log_group=log_group,
            environment=environment,
            reserved_concurrent_executions=reserved,
            # A new version per deploy that changes the function; old ones stay for a rollback.
            current_version_options=lambda_.VersionOptions(removal_policy=RemovalPolicy.RETAIN),
        )
        self.aliases[spec.key] = lambda_.Alias(
            self,
            f"{construct_id}Live",
            alias_name=names.LIVE_ALIAS,
            version=function.current_version,
            description=f"the version of {spec.key} this deploy published",
        )
        nag.acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray's PutTraceSegments and PutTelemetryRecords (active tracing) and DynamoDB's "
            "ListStreams (stream consumer only) support no resource-level permissions.",
        )
        nag.acknowledge(
            function,
            "AwsSolutions-L1",
            f"Python {names.PYTHON_VERSION} is the version the dependencies layer is built for "
            "(pip --python-version) and the test suites cover; upgrading is a deliberate change of both.",
        )
        return function
