package idp

import (
	"context"
	"encoding/base64"
	"errors"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/google/uuid"
)

// WithClientIP records the caller's address for device records and the
// sign-in history.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return signin.WithClientIP(ctx, ip)
}

func clientIP(ctx context.Context) string { return signin.ClientIP(ctx) }

func deviceContext(d *store.Device) string { return seal.LabelDevice(d.PoolID, d.Key) }

// errNoDevice is Cognito's answer for an unknown device: Amplify matches
// the exact text to drop a stale key and retry.
func errNoDevice() error { return api.Errorf(api.ErrResourceNotFound, api.MsgDeviceNotFound) }

// userDevice returns the user's device with key, or nil when key is "".
func (s *Service) userDevice(ctx context.Context, u *store.User, key string) (*store.Device, error) {
	if key == "" {
		return nil, nil
	}
	d, err := s.st.GetDevice(ctx, u.PoolID, key)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.Username != u.Username) {
		return nil, errNoDevice()
	}
	if err != nil {
		return nil, internal(err)
	}
	return d, nil
}

// rememberedDevice reports whether key names a device that may stand in for
// the MFA code: confirmed with a verifier, and remembered.
func (s *Service) rememberedDevice(ctx context.Context, u *store.User, key string) (bool, error) {
	d, err := s.userDevice(ctx, u, key)
	if err != nil || d == nil {
		return false, err
	}
	return d.Confirmed && d.Remembered && len(d.Verifier) > 0, nil
}

// deviceReplacesMFA reports whether the device of a sign-in proves itself
// (DEVICE_SRP_AUTH) in place of an MFA code: key names a remembered device,
// and the pool lets remembered devices do so. That is what the pool's
// ChallengeRequiredOnNewDevice means, whatever its name says: "when true, a
// remembered device can sign in with device authentication instead of SMS
// and TOTP factors" (DeviceConfigurationType). Devices that are not
// remembered are asked for MFA either way.
func (s *Service) deviceReplacesMFA(ctx context.Context, c *client, u *store.User, key string) (bool, error) {
	remembered, err := s.rememberedDevice(ctx, u, key)
	if err != nil || !remembered {
		return false, err
	}
	cfg := c.pool.doc.DeviceConfiguration
	return cfg != nil && cfg.ChallengeRequiredOnNewDevice, nil
}

// newDevice names a new device for a sign-in that named none, when the pool
// tracks devices. Nothing is stored until the client confirms it: a client
// that ignores NewDeviceMetadata leaves no trace.
func (s *Service) newDevice(ctx context.Context, c *client, u *store.User) (*api.NewDeviceMetadata, error) {
	if c.pool.doc.DeviceConfiguration == nil {
		return nil, nil
	}
	if u.DeviceGroupKey == "" {
		updated, err := s.updateUser(ctx, u, func(u *store.User) error {
			if u.DeviceGroupKey == "" {
				u.DeviceGroupKey = "-" + randomString(alnum, 9)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		u.DeviceGroupKey = updated.DeviceGroupKey
	}
	return &api.NewDeviceMetadata{DeviceKey: s.region + "_" + uuid.NewString(), DeviceGroupKey: u.DeviceGroupKey}, nil
}

// ConfirmDevice answers ConfirmDevice: the device gives the verifier of its
// own random password, and from then on can sign in by device SRP.
func (s *Service) ConfirmDevice(ctx context.Context, in *api.ConfirmDeviceInput) (*api.ConfirmDeviceOutput, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	verifier, salt, err := deviceVerifierConfig(in.DeviceSecretVerifierConfig)
	if err != nil {
		return nil, err
	}
	// The key must be the one issued with this access token's sign-in (its
	// device_key claim) or a device the user already has.
	existing, err := s.userDevice(ctx, a.user, in.DeviceKey)
	if err != nil && (!api.IsCode(err, api.ErrResourceNotFound) || a.claims["device_key"] != in.DeviceKey) {
		return nil, err
	}
	prompt := a.client.pool.doc.DeviceConfiguration != nil && a.client.pool.doc.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt
	now := s.now()
	confirm := func(d *store.Device) {
		d.Confirmed = true
		d.Remembered = !prompt
		d.Salt = salt
		d.Verifier = s.seal.Encrypt(verifier, deviceContext(d))
		if in.DeviceName != "" {
			d.Name = in.DeviceName
		}
		d.Updated = now
	}
	if existing == nil {
		d := &store.Device{PoolID: a.user.PoolID, Username: a.user.Username, Key: in.DeviceKey, LastIP: clientIP(ctx),
			Created: now, LastAuthenticated: now}
		confirm(d)
		err = s.st.CreateDevice(ctx, d)
	} else {
		_, err = s.st.UpdateDevice(ctx, a.user.PoolID, in.DeviceKey, func(d *store.Device) error { confirm(d); return nil })
	}
	if err != nil {
		return nil, internal(err)
	}
	return &api.ConfirmDeviceOutput{UserConfirmationNecessary: prompt}, nil
}

// deviceVerifierConfig decodes ConfirmDevice's DeviceSecretVerifierConfig:
// standard base64 of the device's verifier, which must be a number in
// [1, N) so that it cannot break a later device sign-in, and of its salt.
func deviceVerifierConfig(cfg *api.DeviceSecretVerifierConfig) (verifier, salt []byte, err error) {
	if cfg == nil || cfg.PasswordVerifier == "" || cfg.Salt == "" {
		return nil, nil, api.Errorf(api.ErrInvalidParameter, api.MsgDeviceVerifierRequired)
	}
	verifier, err1 := base64.StdEncoding.DecodeString(cfg.PasswordVerifier)
	salt, err2 := base64.StdEncoding.DecodeString(cfg.Salt)
	if err1 != nil || err2 != nil || len(salt) == 0 || srp.ValidateVerifier(verifier) != nil {
		return nil, nil, api.Errorf(api.ErrInvalidParameter, api.MsgDeviceVerifierInvalid)
	}
	return verifier, salt, nil
}

// deviceOwner finds the user of the user forms of the device calls: the
// access token's. The admin forms name theirs (adminDeviceOwner).
func (s *Service) deviceOwner(ctx context.Context, accessToken string) (*store.User, error) {
	a, err := s.authorize(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	return a.user, nil
}

// adminDeviceOwner finds the user the admin forms of the device calls name.
func (s *Service) adminDeviceOwner(ctx context.Context, poolID, username string) (*store.User, error) {
	_, u, err := s.adminUser(ctx, poolID, username)
	return u, err
}

func describeDevice(d *store.Device) api.DeviceType {
	status := "not_remembered"
	if d.Remembered {
		status = "remembered"
	}
	attrs := []api.AttributeType{{Name: "device_status", Value: ptr("valid")}, {Name: "dev:device_remembered_status", Value: ptr(status)}}
	if d.Name != "" {
		attrs = append(attrs, api.AttributeType{Name: "device_name", Value: ptr(d.Name)})
	}
	if d.LastIP != "" {
		attrs = append(attrs, api.AttributeType{Name: "last_ip_used", Value: ptr(d.LastIP)})
	}
	out := api.DeviceType{DeviceKey: d.Key, DeviceAttributes: attrs, DeviceCreateDate: api.At(d.Created), DeviceLastModifiedDate: api.At(d.Updated)}
	if !d.LastAuthenticated.IsZero() {
		t := api.At(d.LastAuthenticated)
		out.DeviceLastAuthenticatedDate = &t
	}
	return out
}

func ptr(s string) *string { return &s }

// GetDevice answers GetDevice.
func (s *Service) GetDevice(ctx context.Context, in *api.GetDeviceInput) (*api.GetDeviceOutput, error) {
	u, err := s.deviceOwner(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.getDevice(ctx, u, in.DeviceKey)
}

// AdminGetDevice answers AdminGetDevice.
func (s *Service) AdminGetDevice(ctx context.Context, in *api.AdminGetDeviceInput) (*api.GetDeviceOutput, error) {
	u, err := s.adminDeviceOwner(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.getDevice(ctx, u, in.DeviceKey)
}

func (s *Service) getDevice(ctx context.Context, u *store.User, key string) (*api.GetDeviceOutput, error) {
	d, err := s.userDevice(ctx, u, key)
	if err != nil {
		return nil, err
	}
	dt := describeDevice(d)
	return &api.GetDeviceOutput{Device: &dt}, nil
}

// ListDevices answers ListDevices.
func (s *Service) ListDevices(ctx context.Context, in *api.ListDevicesInput) (*api.ListDevicesOutput, error) {
	u, err := s.deviceOwner(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.listDevices(ctx, u, in.PaginationToken, in.Limit)
}

// AdminListDevices answers AdminListDevices.
func (s *Service) AdminListDevices(ctx context.Context, in *api.AdminListDevicesInput) (*api.ListDevicesOutput, error) {
	u, err := s.adminDeviceOwner(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.listDevices(ctx, u, in.PaginationToken, in.Limit)
}

func (s *Service) listDevices(ctx context.Context, u *store.User, token string, size *int32) (*api.ListDevicesOutput, error) {
	after, err := decodePageToken(token)
	if err != nil {
		return nil, err
	}
	limit := pageSize(size)
	devices, err := s.st.ListDevices(ctx, u.PoolID, u.Username, after, limit+1)
	if err != nil {
		return nil, internal(err)
	}
	out := &api.ListDevicesOutput{Devices: []api.DeviceType{}}
	if len(devices) > limit {
		devices = devices[:limit]
		out.PaginationToken = encodePageToken(devices[limit-1].Key)
	}
	for _, d := range devices {
		out.Devices = append(out.Devices, describeDevice(d))
	}
	return out, nil
}

// ForgetDevice answers ForgetDevice.
func (s *Service) ForgetDevice(ctx context.Context, in *api.ForgetDeviceInput) (*api.Empty, error) {
	u, err := s.deviceOwner(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.forgetDevice(ctx, u, in.DeviceKey)
}

// AdminForgetDevice answers AdminForgetDevice.
func (s *Service) AdminForgetDevice(ctx context.Context, in *api.AdminForgetDeviceInput) (*api.Empty, error) {
	u, err := s.adminDeviceOwner(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.forgetDevice(ctx, u, in.DeviceKey)
}

func (s *Service) forgetDevice(ctx context.Context, u *store.User, key string) (*api.Empty, error) {
	if _, err := s.userDevice(ctx, u, key); err != nil {
		return nil, err
	}
	if err := s.st.DeleteDevice(ctx, u.PoolID, key); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	return &api.Empty{}, nil
}

// UpdateDeviceStatus answers UpdateDeviceStatus.
func (s *Service) UpdateDeviceStatus(ctx context.Context, in *api.UpdateDeviceStatusInput) (*api.Empty, error) {
	u, err := s.deviceOwner(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.updateDeviceStatus(ctx, u, in.DeviceKey, in.DeviceRememberedStatus)
}

// AdminUpdateDeviceStatus answers AdminUpdateDeviceStatus.
func (s *Service) AdminUpdateDeviceStatus(ctx context.Context, in *api.AdminUpdateDeviceStatusInput) (*api.Empty, error) {
	u, err := s.adminDeviceOwner(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.updateDeviceStatus(ctx, u, in.DeviceKey, in.DeviceRememberedStatus)
}

func (s *Service) updateDeviceStatus(ctx context.Context, u *store.User, key, status string) (*api.Empty, error) {
	if _, err := s.userDevice(ctx, u, key); err != nil {
		return nil, err
	}
	_, err := s.st.UpdateDevice(ctx, u.PoolID, key, func(d *store.Device) error {
		d.Remembered = status == "remembered"
		d.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, internal(err)
	}
	return &api.Empty{}, nil
}
