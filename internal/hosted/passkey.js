// The hosted pages' passkey script (served as /passkey.js, the only script
// the pages' Content-Security-Policy lets run). It turns the WebAuthn
// options a form carries in data-options into a navigator.credentials
// call, puts the answer in the form's credential field as JSON and sends
// the form. Without it, or without WebAuthn, the passkey buttons stay
// hidden and the pages' other ways on work as plain forms.
(() => {
	'use strict';
	const b64 = s => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0)).buffer;
	const enc = buf => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
	const creds = list => (list || []).map(c => ({ ...c, id: b64(c.id) }));

	// The credential as WebAuthn's JSON forms (RegistrationResponseJSON,
	// AuthenticationResponseJSON) write it.
	function toJSON(cred) {
		const r = cred.response, out = {
			id: cred.id, rawId: enc(cred.rawId), type: cred.type,
			authenticatorAttachment: cred.authenticatorAttachment || undefined,
			clientExtensionResults: cred.getClientExtensionResults(), response: { clientDataJSON: enc(r.clientDataJSON) },
		};
		if (r.attestationObject) {
			out.response.attestationObject = enc(r.attestationObject);
			if (r.getTransports) out.response.transports = r.getTransports();
		} else {
			out.response.authenticatorData = enc(r.authenticatorData);
			out.response.signature = enc(r.signature);
			if (r.userHandle) out.response.userHandle = enc(r.userHandle);
		}
		return JSON.stringify(out);
	}

	async function create(o) {
		o = o.publicKey || o;
		return navigator.credentials.create({ publicKey: {
			...o, challenge: b64(o.challenge), user: { ...o.user, id: b64(o.user.id) }, excludeCredentials: creds(o.excludeCredentials),
		} });
	}

	async function get(o) {
		o = o.publicKey || o;
		return navigator.credentials.get({ publicKey: { ...o, challenge: b64(o.challenge), allowCredentials: creds(o.allowCredentials) } });
	}

	function wire(form) {
		const button = form.querySelector('[data-passkey]');
		const status = form.querySelector('.passkey-error');
		if (!button || !window.PublicKeyCredential) return;
		button.hidden = false;
		button.addEventListener('click', async () => {
			button.disabled = true;
			status.hidden = true;
			try {
				const options = JSON.parse(form.dataset.options);
				const cred = await (button.dataset.passkey === 'create' ? create(options) : get(options));
				form.querySelector('[name=credential]').value = toJSON(cred);
				form.submit();
			} catch (err) {
				status.textContent = (err && err.name === 'NotAllowedError')
					? 'The passkey was not used: it was cancelled, timed out, or this device has none for this account. Try again, or choose another way.'
					: 'The passkey did not work here (' + (err && err.name || 'error') + '). Try again, or choose another way.';
				status.hidden = false;
				button.disabled = false;
				button.focus();
			}
		});
	}

	document.querySelectorAll('form[data-options]').forEach(wire);
})();
