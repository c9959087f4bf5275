from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ACTION_KIND_INDEX: ActionKind
ACTION_KIND_JSON: ActionKind
ACTION_KIND_TEXT: ActionKind
ACTION_KIND_UNSPECIFIED: ActionKind
CAPACITY: ErrorReason
CLONE_SUPPORT_NONE: CloneSupport
CLONE_SUPPORT_PORTABLE: CloneSupport
CLONE_SUPPORT_SERVER_HANDLE: CloneSupport
CLONE_SUPPORT_UNSPECIFIED: CloneSupport
DEADLINE: ErrorReason
DESCRIPTOR: _descriptor.FileDescriptor
DEVICE_UNAVAILABLE: ErrorReason
ENV_NOT_FOUND: ErrorReason
EPISODE_ENDED: ErrorReason
EPISODE_NOT_STARTED: ErrorReason
ERROR_REASON_UNSPECIFIED: ErrorReason
INTERNAL: ErrorReason
INVALID_ACTION: ErrorReason
INVALID_ARGUMENT: ErrorReason
OBSERVATION_KIND_IMAGE: ObservationKind
OBSERVATION_KIND_TEXT: ObservationKind
OBSERVATION_KIND_UI_ELEMENTS: ObservationKind
OBSERVATION_KIND_UNSPECIFIED: ObservationKind
SERVER_UNREACHABLE: ErrorReason
SESSION_NOT_FOUND: ErrorReason
SHUTTING_DOWN: ErrorReason
STATE_EXPIRED: ErrorReason
STATE_INCOMPATIBLE: ErrorReason
STATE_INVALID: ErrorReason
STATE_NOT_FOUND: ErrorReason
UNAUTHENTICATED: ErrorReason
UNSUPPORTED: ErrorReason
VALID_ACTIONS_ALWAYS: ValidActionsMode
VALID_ACTIONS_MODE_UNSPECIFIED: ValidActionsMode
VALID_ACTIONS_NEVER: ValidActionsMode
VALID_ACTIONS_WHEN_CHANGED: ValidActionsMode

class Action(_message.Message):
    __slots__ = ["index", "json", "text"]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    index: int
    json: str
    text: str
    def __init__(self, index: _Optional[int] = ..., text: _Optional[str] = ..., json: _Optional[str] = ...) -> None: ...

class ActionSpec(_message.Message):
    __slots__ = ["discrete_names", "json_schema", "kinds", "text_format"]
    DISCRETE_NAMES_FIELD_NUMBER: _ClassVar[int]
    JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FORMAT_FIELD_NUMBER: _ClassVar[int]
    discrete_names: _containers.RepeatedScalarFieldContainer[str]
    json_schema: str
    kinds: _containers.RepeatedScalarFieldContainer[ActionKind]
    text_format: str
    def __init__(self, kinds: _Optional[_Iterable[_Union[ActionKind, str]]] = ..., discrete_names: _Optional[_Iterable[str]] = ..., text_format: _Optional[str] = ..., json_schema: _Optional[str] = ...) -> None: ...

class BoundingBox(_message.Message):
    __slots__ = ["x_max", "x_min", "y_max", "y_min"]
    X_MAX_FIELD_NUMBER: _ClassVar[int]
    X_MIN_FIELD_NUMBER: _ClassVar[int]
    Y_MAX_FIELD_NUMBER: _ClassVar[int]
    Y_MIN_FIELD_NUMBER: _ClassVar[int]
    x_max: int
    x_min: int
    y_max: int
    y_min: int
    def __init__(self, x_min: _Optional[int] = ..., x_max: _Optional[int] = ..., y_min: _Optional[int] = ..., y_max: _Optional[int] = ...) -> None: ...

class EnvSpec(_message.Message):
    __slots__ = ["action_spec", "clone_support", "config_schema", "default_observation_kinds", "description", "has_expert", "id", "instructions", "learned", "max_steps", "observation_kinds", "reset_options_schema", "tasks", "version"]
    ACTION_SPEC_FIELD_NUMBER: _ClassVar[int]
    CLONE_SUPPORT_FIELD_NUMBER: _ClassVar[int]
    CONFIG_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_OBSERVATION_KINDS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    HAS_EXPERT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    LEARNED_FIELD_NUMBER: _ClassVar[int]
    MAX_STEPS_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_KINDS_FIELD_NUMBER: _ClassVar[int]
    RESET_OPTIONS_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    action_spec: ActionSpec
    clone_support: CloneSupport
    config_schema: str
    default_observation_kinds: _containers.RepeatedScalarFieldContainer[ObservationKind]
    description: str
    has_expert: bool
    id: str
    instructions: str
    learned: bool
    max_steps: int
    observation_kinds: _containers.RepeatedScalarFieldContainer[ObservationKind]
    reset_options_schema: str
    tasks: _containers.RepeatedCompositeFieldContainer[TaskInfo]
    version: str
    def __init__(self, id: _Optional[str] = ..., version: _Optional[str] = ..., description: _Optional[str] = ..., observation_kinds: _Optional[_Iterable[_Union[ObservationKind, str]]] = ..., default_observation_kinds: _Optional[_Iterable[_Union[ObservationKind, str]]] = ..., action_spec: _Optional[_Union[ActionSpec, _Mapping]] = ..., clone_support: _Optional[_Union[CloneSupport, str]] = ..., max_steps: _Optional[int] = ..., instructions: _Optional[str] = ..., tasks: _Optional[_Iterable[_Union[TaskInfo, _Mapping]]] = ..., config_schema: _Optional[str] = ..., reset_options_schema: _Optional[str] = ..., has_expert: bool = ..., learned: bool = ...) -> None: ...

class ErrorDetail(_message.Message):
    __slots__ = ["code", "message", "reason", "retryable"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    code: int
    message: str
    reason: ErrorReason
    retryable: bool
    def __init__(self, code: _Optional[int] = ..., reason: _Optional[_Union[ErrorReason, str]] = ..., message: _Optional[str] = ..., retryable: bool = ...) -> None: ...

class Image(_message.Message):
    __slots__ = ["data", "height", "mime_type", "width"]
    DATA_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    height: int
    mime_type: str
    width: int
    def __init__(self, data: _Optional[bytes] = ..., mime_type: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class LinesDelta(_message.Message):
    __slots__ = ["base_hash", "lines", "ops"]
    BASE_HASH_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    OPS_FIELD_NUMBER: _ClassVar[int]
    base_hash: int
    lines: _containers.RepeatedScalarFieldContainer[str]
    ops: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, base_hash: _Optional[int] = ..., ops: _Optional[_Iterable[int]] = ..., lines: _Optional[_Iterable[str]] = ...) -> None: ...

class NormalizedBoundingBox(_message.Message):
    __slots__ = ["x_max", "x_min", "y_max", "y_min"]
    X_MAX_FIELD_NUMBER: _ClassVar[int]
    X_MIN_FIELD_NUMBER: _ClassVar[int]
    Y_MAX_FIELD_NUMBER: _ClassVar[int]
    Y_MIN_FIELD_NUMBER: _ClassVar[int]
    x_max: float
    x_min: float
    y_max: float
    y_min: float
    def __init__(self, x_min: _Optional[float] = ..., x_max: _Optional[float] = ..., y_min: _Optional[float] = ..., y_max: _Optional[float] = ...) -> None: ...

class Observation(_message.Message):
    __slots__ = ["fingerprint", "image", "text", "text_delta", "text_hash", "ui_elements", "valid_actions", "valid_actions_delta", "valid_actions_hash"]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TEXT_HASH_FIELD_NUMBER: _ClassVar[int]
    UI_ELEMENTS_FIELD_NUMBER: _ClassVar[int]
    VALID_ACTIONS_DELTA_FIELD_NUMBER: _ClassVar[int]
    VALID_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    VALID_ACTIONS_HASH_FIELD_NUMBER: _ClassVar[int]
    fingerprint: str
    image: Image
    text: str
    text_delta: LinesDelta
    text_hash: int
    ui_elements: _containers.RepeatedCompositeFieldContainer[UiElement]
    valid_actions: _containers.RepeatedScalarFieldContainer[str]
    valid_actions_delta: LinesDelta
    valid_actions_hash: int
    def __init__(self, text: _Optional[str] = ..., image: _Optional[_Union[Image, _Mapping]] = ..., ui_elements: _Optional[_Iterable[_Union[UiElement, _Mapping]]] = ..., valid_actions: _Optional[_Iterable[str]] = ..., fingerprint: _Optional[str] = ..., valid_actions_hash: _Optional[int] = ..., text_hash: _Optional[int] = ..., text_delta: _Optional[_Union[LinesDelta, _Mapping]] = ..., valid_actions_delta: _Optional[_Union[LinesDelta, _Mapping]] = ...) -> None: ...

class ObservationOptions(_message.Message):
    __slots__ = ["deltas", "omit_fingerprint", "omit_image", "omit_info", "omit_text", "omit_ui_elements", "valid_actions"]
    DELTAS_FIELD_NUMBER: _ClassVar[int]
    OMIT_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    OMIT_IMAGE_FIELD_NUMBER: _ClassVar[int]
    OMIT_INFO_FIELD_NUMBER: _ClassVar[int]
    OMIT_TEXT_FIELD_NUMBER: _ClassVar[int]
    OMIT_UI_ELEMENTS_FIELD_NUMBER: _ClassVar[int]
    VALID_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    deltas: bool
    omit_fingerprint: bool
    omit_image: bool
    omit_info: bool
    omit_text: bool
    omit_ui_elements: bool
    valid_actions: ValidActionsMode
    def __init__(self, omit_text: bool = ..., omit_image: bool = ..., omit_ui_elements: bool = ..., omit_fingerprint: bool = ..., omit_info: bool = ..., valid_actions: _Optional[_Union[ValidActionsMode, str]] = ..., deltas: bool = ...) -> None: ...

class StateHandle(_message.Message):
    __slots__ = ["expires_at_ms", "id"]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    expires_at_ms: int
    id: str
    def __init__(self, id: _Optional[str] = ..., expires_at_ms: _Optional[int] = ...) -> None: ...

class StepResult(_message.Message):
    __slots__ = ["info_json", "observation", "reward", "step_index", "terminated", "truncated"]
    INFO_JSON_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    REWARD_FIELD_NUMBER: _ClassVar[int]
    STEP_INDEX_FIELD_NUMBER: _ClassVar[int]
    TERMINATED_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    info_json: str
    observation: Observation
    reward: float
    step_index: int
    terminated: bool
    truncated: bool
    def __init__(self, observation: _Optional[_Union[Observation, _Mapping]] = ..., reward: _Optional[float] = ..., terminated: bool = ..., truncated: bool = ..., info_json: _Optional[str] = ..., step_index: _Optional[int] = ...) -> None: ...

class TaskInfo(_message.Message):
    __slots__ = ["config_json", "description", "name"]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    config_json: str
    description: str
    name: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., config_json: _Optional[str] = ...) -> None: ...

class UiElement(_message.Message):
    __slots__ = ["bbox", "bbox_pixels", "class_name", "content_description", "hint_text", "is_checkable", "is_checked", "is_clickable", "is_editable", "is_enabled", "is_focusable", "is_focused", "is_long_clickable", "is_scrollable", "is_selected", "is_visible", "metadata", "package_name", "resource_id", "resource_name", "text", "tooltip"]
    class MetadataEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    BBOX_FIELD_NUMBER: _ClassVar[int]
    BBOX_PIXELS_FIELD_NUMBER: _ClassVar[int]
    CLASS_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    HINT_TEXT_FIELD_NUMBER: _ClassVar[int]
    IS_CHECKABLE_FIELD_NUMBER: _ClassVar[int]
    IS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    IS_CLICKABLE_FIELD_NUMBER: _ClassVar[int]
    IS_EDITABLE_FIELD_NUMBER: _ClassVar[int]
    IS_ENABLED_FIELD_NUMBER: _ClassVar[int]
    IS_FOCUSABLE_FIELD_NUMBER: _ClassVar[int]
    IS_FOCUSED_FIELD_NUMBER: _ClassVar[int]
    IS_LONG_CLICKABLE_FIELD_NUMBER: _ClassVar[int]
    IS_SCROLLABLE_FIELD_NUMBER: _ClassVar[int]
    IS_SELECTED_FIELD_NUMBER: _ClassVar[int]
    IS_VISIBLE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOOLTIP_FIELD_NUMBER: _ClassVar[int]
    bbox: NormalizedBoundingBox
    bbox_pixels: BoundingBox
    class_name: str
    content_description: str
    hint_text: str
    is_checkable: bool
    is_checked: bool
    is_clickable: bool
    is_editable: bool
    is_enabled: bool
    is_focusable: bool
    is_focused: bool
    is_long_clickable: bool
    is_scrollable: bool
    is_selected: bool
    is_visible: bool
    metadata: _containers.ScalarMap[str, str]
    package_name: str
    resource_id: str
    resource_name: str
    text: str
    tooltip: str
    def __init__(self, text: _Optional[str] = ..., content_description: _Optional[str] = ..., class_name: _Optional[str] = ..., bbox_pixels: _Optional[_Union[BoundingBox, _Mapping]] = ..., hint_text: _Optional[str] = ..., is_checked: bool = ..., is_checkable: bool = ..., is_clickable: bool = ..., is_editable: bool = ..., is_enabled: bool = ..., is_focused: bool = ..., is_focusable: bool = ..., is_long_clickable: bool = ..., is_scrollable: bool = ..., is_selected: bool = ..., is_visible: bool = ..., package_name: _Optional[str] = ..., resource_name: _Optional[str] = ..., resource_id: _Optional[str] = ..., bbox: _Optional[_Union[NormalizedBoundingBox, _Mapping]] = ..., tooltip: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ObservationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ActionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class CloneSupport(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ValidActionsMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
