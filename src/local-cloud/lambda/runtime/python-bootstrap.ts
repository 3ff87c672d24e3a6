// The Python execution environment's bootstrap, written to the local cloud's data dir and run with python3.
// It speaks the same messages as the Node.js runner (messages.ts): requests as JSON lines on stdin, and
// everything it says (log text, results) as JSON lines on fd 3, so output and results stay in order.
export const PYTHON_BOOTSTRAP = String.raw`
import importlib
import io
import json
import logging
import os
import resource
import sys
import time
import traceback

_channel = os.fdopen(3, 'wb', buffering=0)
# Requests arrive on stdin; the function itself gets an empty stdin, as on Lambda, so it cannot read them.
_requests = os.fdopen(os.dup(0), 'r', encoding='utf-8')
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
sys.stdin = open(os.devnull, 'r')
_request_id = ''


def send(message):
    data = memoryview((json.dumps(message) + '\n').encode('utf-8'))
    while data:
        written = _channel.write(data)
        data = data[written:]


class _Output(io.TextIOBase):
    """print() and sys.stderr: each complete line becomes one log event, as on Lambda."""

    def __init__(self):
        self._pending = ''

    def writable(self):
        return True

    def write(self, text):
        self._pending += text
        while '\n' in self._pending:
            line, self._pending = self._pending.split('\n', 1)
            send({'type': 'log', 'text': line + '\n'})
        return len(text)

    def flush(self):
        if self._pending:
            send({'type': 'log', 'text': self._pending})
            self._pending = ''


sys.stdout = _Output()
sys.stderr = _Output()


class _LambdaLogHandler(logging.Handler):
    def emit(self, record):
        stamp = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(record.created))
        millis = int(record.msecs)
        text = '[%s]\t%s.%03dZ\t%s\t%s\n' % (record.levelname, stamp, millis, _request_id, record.getMessage())
        if record.exc_info:
            text += ''.join(traceback.format_exception(*record.exc_info))
        send({'type': 'log', 'text': text})


_root = logging.getLogger()
_root.handlers = [_LambdaLogHandler()]


def _frames(tb):
    return traceback.format_list(traceback.extract_tb(tb)[1:])


class _Context:
    def __init__(self, context, deadline):
        self.function_name = context['functionName']
        self.function_version = context['functionVersion']
        self.invoked_function_arn = context['invokedFunctionArn']
        self.memory_limit_in_mb = context['memoryLimitInMB']
        self.aws_request_id = context['awsRequestId']
        self.log_group_name = context['logGroupName']
        self.log_stream_name = context['logStreamName']
        self.identity = context.get('identity')
        self.client_context = context.get('clientContext')
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline - time.time() * 1000))


def _init_error(error_type, message, trace=None):
    send({'type': 'init-error', 'error': {'errorMessage': message, 'errorType': error_type,
                                           'requestId': '', 'stackTrace': trace or []}})


def _load(setup):
    task_root = setup['taskRoot']
    sys.path.insert(0, task_root)
    try:
        module_path, function_name = setup['handler'].rsplit('.', 1)
    except ValueError as error:
        _init_error('Runtime.MalformedHandlerName', "Bad handler '%s': %s" % (setup['handler'], error))
        return None
    module_name = module_path.replace('/', '.')
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        _init_error('Runtime.ImportModuleError', "Unable to import module '%s': %s" % (module_name, error))
        return None
    except SyntaxError as error:
        _init_error('Runtime.UserCodeSyntaxError', "Syntax error in module '%s': %s" % (module_name, error))
        return None
    except Exception as error:
        _init_error(type(error).__name__, str(error), _frames(error.__traceback__))
        return None
    handler = getattr(module, function_name, None)
    if not callable(handler):
        _init_error('Runtime.HandlerNotFound', "Handler '%s' missing on module '%s'" % (function_name, module_name))
        return None
    return handler


def _memory_mb():
    return max(1, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def main():
    global _request_id
    handler = None
    while True:
        line = _requests.readline()
        if not line:
            return
        message = json.loads(line)
        if message['type'] == 'setup':
            handler = _load(message)
            if handler is not None:
                send({'type': 'ready'})
            continue
        context = message['context']
        _request_id = context['awsRequestId']
        try:
            result = handler(json.loads(message['payload']), _Context(context, message['deadline']))
        except Exception as error:
            frames = _frames(error.__traceback__)
            sys.stdout.flush()
            send({'type': 'log', 'text': '[ERROR] %s: %s\nTraceback (most recent call last):\n%s' % (
                type(error).__name__, error, ''.join(frames))})
            send({'type': 'result', 'memoryMB': _memory_mb(), 'error': {
                'errorMessage': str(error), 'errorType': type(error).__name__,
                'requestId': _request_id, 'stackTrace': frames}})
            continue
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        try:
            payload = json.dumps(result)
        except Exception as error:
            send({'type': 'result', 'memoryMB': _memory_mb(), 'error': {
                'errorMessage': 'Unable to marshal response: %s' % error, 'errorType': 'Runtime.MarshalError',
                'requestId': _request_id, 'stackTrace': []}})
            continue
        send({'type': 'result', 'payload': payload, 'memoryMB': _memory_mb()})


main()
`;
