import { Button, Group, Modal, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { expiredMessage, minutesText, useSession, useSignedInSession } from './session.js';

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'mousemove'] as const;
/** While someone is working, tell the server at most this often so both clocks agree. */
const KEEP_ALIVE_MS = 60_000;

/**
 * Automatic log-off (HIPAA 164.312(a)(2)(iii)): warns one minute before the clinic's inactivity
 * limit and signs out at the limit. The server enforces the same limit on its side.
 */
export function InactivityGuard() {
  const session = useSignedInSession();
  const { signOut } = useSession();
  const limitMs = session.inactivityTimeoutMinutes * 60_000;
  const warnMs = Math.max(limitMs - 60_000, limitMs / 2);
  const lastActivity = useRef(Date.now());
  const lastKeepAlive = useRef(Date.now());
  const [warning, setWarning] = useState(false);
  const [secondsLeft, setSecondsLeft] = useState(60);
  const warningRef = useRef(false);
  warningRef.current = warning;

  const keepAlive = useCallback(() => {
    lastKeepAlive.current = Date.now();
    api.get('/api/session').catch(() => undefined);
  }, []);

  useEffect(() => {
    const onActivity = () => {
      if (warningRef.current) return; // while warned, only the button counts as "still here"
      lastActivity.current = Date.now();
      if (Date.now() - lastKeepAlive.current > KEEP_ALIVE_MS) keepAlive();
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true });
    const timer = window.setInterval(() => {
      const idle = Date.now() - lastActivity.current;
      if (idle >= limitMs) {
        window.clearInterval(timer);
        void signOut(expiredMessage(session.inactivityTimeoutMinutes));
      } else if (idle >= warnMs) {
        setSecondsLeft(Math.ceil((limitMs - idle) / 1000));
        setWarning(true);
      }
    }, 1000);
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity);
      window.clearInterval(timer);
    };
  }, [limitMs, warnMs, keepAlive, signOut, session.inactivityTimeoutMinutes]);

  const stay = () => {
    lastActivity.current = Date.now();
    setWarning(false);
    keepAlive();
  };

  return (
    <Modal opened={warning} onClose={stay} title="Are you still there?" centered withCloseButton={false}>
      <Text>
        For patient privacy, Medassist signs you out after {minutesText(session.inactivityTimeoutMinutes)} without activity.
        You will be signed out in {secondsLeft} seconds.
      </Text>
      <Group mt="md" justify="flex-end">
        <Button variant="default" onClick={() => void signOut(null)}>Sign out now</Button>
        <Button onClick={stay} data-autofocus>Stay signed in</Button>
      </Group>
    </Modal>
  );
}
